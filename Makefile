# Tutti: the two commands in the README.
#   make demo   set up, build, and run the demo venue with a simulated crowd
#   make test   set up, build, and run every test (unit, integration, browser)
# And for hardening (docs/security.md):
#   make fuzz           the libFuzzer targets, FUZZ_SECONDS each (clang, ASan, UBSan)
#   make test-sanitize  every test on an ASan + UBSan build (make test runs its sanitize-ci share)

BUILD ?= build
MAKEFLAGS += --no-print-directory
JOBS ?= 2
DEMO_CROWD ?= 40
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
SANITIZE_BUILD ?= build-sanitize

.PHONY: all setup build test demo clean fuzz sanitize-build test-sanitize test-sanitize-ci

all: build

setup:
	@./setup.sh

build: setup
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j$(JOBS)

test: build
	@cd $(BUILD) && ctest --output-on-failure
	@$(MAKE) test-sanitize-ci

fuzz: setup
	@CC=clang-14 cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTUTTI_FUZZ=ON >/dev/null
	@cmake --build $(FUZZ_BUILD) -j$(JOBS) --target fuzz_phone fuzz_console fuzz_config fuzz_osc fuzz_crowdtext fuzz_cluster
	@bash tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

# clang: its one runtime writes UBSan's reports where ASan's go (log_path), which gcc's separate
# libubsan does not. The sanitizers' options, and the final check that no report was written,
# are in tests/CMakeLists.txt.
sanitize-build: setup
	@# A folder configured by another compiler starts afresh: CMake would re-run without the options.
	@[ ! -f $(SANITIZE_BUILD)/CMakeCache.txt ] || grep -q '^CMAKE_C_COMPILER:.*clang-14' \
		$(SANITIZE_BUILD)/CMakeCache.txt || rm -rf $(SANITIZE_BUILD)
	@cmake -S . -B $(SANITIZE_BUILD) -DCMAKE_C_COMPILER=clang-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTUTTI_SANITIZE=ON >/dev/null
	@cmake --build $(SANITIZE_BUILD) -j$(JOBS)

test-sanitize: sanitize-build
	@cd $(SANITIZE_BUILD) && ctest --output-on-failure

# CI's share, after the ordinary tests: the unit tests and the integration tests labelled sanitize-ci.
test-sanitize-ci: sanitize-build
	@cd $(SANITIZE_BUILD) && ctest --output-on-failure -L sanitize-ci

demo: build
	$(BUILD)/controller/tutti run venue-configs/demo.json --simulate $(DEMO_CROWD)

clean:
	rm -rf $(BUILD) $(FUZZ_BUILD) $(SANITIZE_BUILD)
