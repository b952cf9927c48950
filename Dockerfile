# images-mock: a scripted fake of the OpenAI Images API.
#   docker build -t images-mock .
#   docker run --rm -p 8080:8080 images-mock
#   docker run --rm -p 8080:8080 -v "$PWD/scenarios:/scenarios:ro" \
#       -e IMAGES_MOCK_SCENARIO=/scenarios/flaky-then-ok.yaml -e IMAGES_MOCK_ADMIN_TOKEN=secret images-mock
#   docker run --rm -v "$PWD/scenarios:/scenarios:ro" images-mock validate /scenarios/everything.yaml
# The build stage installs exactly scripts/apt-packages.txt (a test keeps them in step). The release
# binary links the Swift runtime and the image codecs (libpng, libjpeg-turbo, libwebp) statically,
# so the runtime stage carries only the other system shared libraries it links (a test runs ldd on
# the built binary and checks each against this list).

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
# libstdc++6 and libgcc-s1 are in the base image already; they are listed because the static Swift
# runtime needs them. curl serves the HEALTHCHECK.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libmicrohttpd12 zlib1g libstdc++6 libgcc-s1 curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --no-create-home images-mock \
 && mkdir /scenarios
COPY --from=build /usr/local/bin/images-mock /usr/local/bin/images-mock
COPY scripts/docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
# Scenario files (and their canned images) are mounted here; name them with IMAGES_MOCK_SCENARIO
# (space-separated) or pass `serve ... --scenario /scenarios/x.yaml` as the command.
VOLUME /scenarios
ENV IMAGES_MOCK_SCENARIO=""
# The admin API (/__admin/) needs a token beyond loopback: set IMAGES_MOCK_ADMIN_TOKEN at run time.
USER images-mock
EXPOSE 8080
# /__admin/health answers every caller (its details only with the admin token).
HEALTHCHECK --interval=10s --timeout=2s --start-period=5s \
  CMD curl -fsS http://127.0.0.1:8080/__admin/health || exit 1
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080"]
