# Shortcuts; the scripts are the source of truth (README: "Run" and "Test").
.PHONY: run test build release bench clean

run:
	scripts/run.sh

test:
	scripts/test.sh

build:
	swift build --explicit-target-dependency-import-check error

release:
	swift build -c release --product images-mock --static-swift-stdlib

bench:
	Benchmarks/run.sh

clean:
	rm -rf .build .venv
