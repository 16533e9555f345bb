# Stand-in for debian:bookworm-slim: the lab's debian:bookworm (minbase, with the official images' apt and dpkg
# settings: docker-clean, gzip'd lists, no translations) plus the slim variant's dpkg path excludes
# (debuerreotype's slimify lists: docs except copyright files, man, info, groff, locales, lintian overrides)
# and those files removed. One layer more than the real image, which is built slim from the start.
FROM debian:bookworm
LABEL org.opencontainers.image.description="dockeropt build-lab stand-in, not the official debian slim image" \
      dockeropt.standin.packages="debian bookworm: the minbase debootstrap of debian:bookworm, slimmed"
RUN printf '%s\n' '# This is the "slim" variant of the Debian base image (here: the dockeropt build-lab stand-in).' \
      '# Many files which are normally unnecessary in containers are excluded,' \
      '# and this configuration file keeps them that way.' \
      'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' 'path-exclude /usr/share/groff/*' \
      'path-exclude /usr/share/info/*' 'path-exclude /usr/share/linda/*' 'path-exclude /usr/share/lintian/overrides/*' \
      'path-exclude /usr/share/locale/*' 'path-exclude /usr/share/man/*' > /etc/dpkg/dpkg.cfg.d/docker \
 && find /usr/share/doc -mindepth 1 -not -name copyright -not -type d -delete \
 && find /usr/share/doc -mindepth 1 -type d -empty -delete \
 && rm -rf /usr/share/man/* /usr/share/info/* /usr/share/groff/* /usr/share/locale/* /usr/share/lintian/overrides/* \
           /usr/share/linda/*
