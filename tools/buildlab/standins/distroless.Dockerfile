# Stand-in for gcr.io/distroless/static-debian12: no shell, no package manager, no libc; Debian bookworm's
# ca-certificates bundle (SSL_CERT_FILE), tzdata's zoneinfo, netbase's /etc/services and /etc/protocols,
# users root (0), nobody (65534) and nonroot (65532, home /home/nonroot), a world-writable /tmp.
# Unlike the real image: no /var/lib/dpkg/status.d package records and no /usr/share/doc copyright files.
FROM debian:bookworm AS files
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates tzdata netbase \
 && rm -rf /var/lib/apt/lists/* \
 && R=/rootfs && mkdir -p $R/etc/ssl/certs $R/usr/share $R/tmp $R/root $R/home/nonroot $R/var \
 && cp /etc/ssl/certs/ca-certificates.crt $R/etc/ssl/certs/ \
 && cp -a /usr/share/zoneinfo $R/usr/share/ \
 && cp /etc/services /etc/protocols /etc/ethertypes /etc/rpc $R/etc/ \
 && printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > $R/etc/passwd \
 && printf 'root:x:0:\nnobody:x:65534:\ntty:x:5:\nstaff:x:50:\nnonroot:x:65532:\n' > $R/etc/group \
 && printf 'hosts: files dns\n' > $R/etc/nsswitch.conf \
 && printf 'PRETTY_NAME="Distroless"\nNAME="Debian GNU/Linux"\nID="debian"\nVERSION_ID="12"\nVERSION="Debian GNU/Linux 12 (bookworm)"\nHOME_URL="https://github.com/GoogleContainerTools/distroless"\n' > $R/etc/os-release \
 && chmod 1777 $R/tmp && chmod 700 $R/root && chown 65532:65532 $R/home/nonroot && chmod 700 $R/home/nonroot

FROM scratch
LABEL org.opencontainers.image.description="dockeropt build-lab stand-in, not Google's distroless image" \
      dockeropt.standin.packages="debian bookworm: files of ca-certificates tzdata netbase, no shell"
COPY --from=files /rootfs/ /
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
