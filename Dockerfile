# images-mock: a scripted fake of the OpenAI Images API.
#   docker build -t images-mock .
#   docker run --rm -p 8080:8080 images-mock
# The build stage installs exactly scripts/apt-packages.txt (a test keeps them in step); the runtime
# stage carries only the shared libraries the binary links.

FROM swift:6.3-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libmicrohttpd-dev libpng-dev libturbojpeg0-dev libwebp-dev zlib1g-dev pkg-config curl \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
# SwiftPM checks that every declared target's folder exists, test targets included.
COPY Tests ./Tests
RUN swift build -c release --product images-mock --static-swift-stdlib \
 && cp .build/release/images-mock /usr/local/bin/images-mock

FROM debian:bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libmicrohttpd12 libpng16-16 libturbojpeg0 libwebp7 zlib1g curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --no-create-home images-mock
COPY --from=build /usr/local/bin/images-mock /usr/local/bin/images-mock
USER images-mock
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=2s CMD curl -fsS http://127.0.0.1:8080/__admin/health || exit 1
ENTRYPOINT ["images-mock"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080"]
