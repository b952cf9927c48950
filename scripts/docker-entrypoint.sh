#!/bin/sh
# Entrypoint of the Docker image: runs images-mock with the given arguments (default: the image's
# CMD, `serve --host 0.0.0.0 --port 8080`).
#
# IMAGES_MOCK_SCENARIO, when set, names scenario files for `serve`, separated by spaces, e.g.
#   docker run -v "$PWD/scenarios:/scenarios:ro" -e IMAGES_MOCK_SCENARIO=/scenarios/flaky.yaml images-mock
# Each becomes a `--scenario FILE` argument (paths may not contain spaces; pass `--scenario` in the
# command instead for those). IMAGES_MOCK_ADMIN_TOKEN is read by images-mock itself.
set -eu
if [ "$#" -eq 0 ]; then
    set -- serve --host 0.0.0.0 --port 8080
fi
if [ "$1" = serve ] && [ -n "${IMAGES_MOCK_SCENARIO:-}" ]; then
    for file in $IMAGES_MOCK_SCENARIO; do
        set -- "$@" --scenario "$file"
    done
fi
# exec: images-mock becomes PID 1 and receives SIGTERM from `docker stop` (it drains and exits 0).
exec images-mock "$@"
