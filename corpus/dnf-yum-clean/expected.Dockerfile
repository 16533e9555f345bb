# Build a C tool on Fedora, ship it on UBI minimal.
FROM fedora:40 AS build
RUN dnf install -y \
        gcc \
        make \
        # headers for the TLS code
        openssl-devel \
    && dnf clean all
WORKDIR /src
COPY . .
RUN make && make install DESTDIR=/out

FROM registry.access.redhat.com/ubi9/ubi-minimal:9.4
RUN microdnf install -y openssl-libs shadow-utils \
    && useradd --system tool \
    && microdnf clean all
COPY --from=build /out/usr/local/bin/tool /usr/local/bin/tool
USER tool
ENTRYPOINT ["/usr/local/bin/tool"]
