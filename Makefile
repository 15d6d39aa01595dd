# Tutti: the two commands in the README.
#   make demo   set up, build, and run the demo venue with a simulated crowd
#   make test   set up, build, and run every test (unit, integration, browser)

BUILD ?= build
MAKEFLAGS += --no-print-directory
JOBS ?= 2
DEMO_CROWD ?= 40

.PHONY: all setup build test demo clean

all: build

setup:
	@./setup.sh

build: setup
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j$(JOBS)

test: build
	@cd $(BUILD) && ctest --output-on-failure

demo: build
	$(BUILD)/controller/tutti run venue-configs/demo.json --simulate $(DEMO_CROWD)

clean:
	rm -rf $(BUILD)
