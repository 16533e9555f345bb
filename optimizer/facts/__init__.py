"""Facts passes read: RUN scripts, COPY/ADD, what commands read and write, build tools, Java."""
