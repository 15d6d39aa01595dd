# Tutti: the two commands in the README.
#   make demo   set up, build, and run the demo venue with a simulated crowd
#   make test   set up, build, and run every test (unit, integration, browser)
# And for hardening (docs/security.md):
#   make fuzz           the libFuzzer targets, FUZZ_SECONDS each (clang, ASan, UBSan)
#   make test-sanitize  every test on an ASan + UBSan build

BUILD ?= build
MAKEFLAGS += --no-print-directory
JOBS ?= 2
DEMO_CROWD ?= 40
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
SANITIZE_BUILD ?= build-sanitize

.PHONY: all setup build test demo clean fuzz test-sanitize

all: build

setup:
	@./setup.sh

build: setup
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j$(JOBS)

test: build
	@cd $(BUILD) && ctest --output-on-failure

fuzz: setup
	@CC=clang-14 cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTUTTI_FUZZ=ON >/dev/null
	@cmake --build $(FUZZ_BUILD) -j$(JOBS) --target fuzz_phone fuzz_console fuzz_config fuzz_osc fuzz_crowdtext
	@bash tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

test-sanitize: setup
	@cmake -S . -B $(SANITIZE_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTUTTI_SANITIZE=ON >/dev/null
	@cmake --build $(SANITIZE_BUILD) -j$(JOBS)
	@# handle_segv=0: a test sends SIGSEGV and wants the daemon dead by that signal, as in production.
	@cd $(SANITIZE_BUILD) && ASAN_OPTIONS=handle_segv=0:detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		ctest --output-on-failure

demo: build
	$(BUILD)/controller/tutti run venue-configs/demo.json --simulate $(DEMO_CROWD)

clean:
	rm -rf $(BUILD) $(FUZZ_BUILD) $(SANITIZE_BUILD)
