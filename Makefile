# Thin wrapper over CMake and CTest. `make run` shows the product doing its main job; `make test`
# builds everything (warnings are errors) and runs every test, then the sanitizer build's unit tests.
BUILD      ?= build
ASAN_BUILD ?= build-asan
PREFIX     ?= /usr/local
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?= -DCOS_WERROR=ON

.PHONY: all deps build run serve test test-asan test-tsan fuzz install clean format

all: build

deps:
	@bash scripts/deps.sh

build: deps
	@cmake -S . -B $(BUILD) $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

run: build
	@bash scripts/run.sh $(BUILD)

# Like run, but leaves cosd running and prints how to point cos and the official SDKs at it.
serve: build
	@KEEP=1 bash scripts/run.sh $(BUILD)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	$(MAKE) --no-print-directory test-asan
	$(MAKE) --no-print-directory test-tsan

# Unit tests again under AddressSanitizer + UndefinedBehaviorSanitizer.
test-asan: deps
	@cmake -S . -B $(ASAN_BUILD) $(CMAKE_FLAGS) -DCOS_SANITIZE=ON -DCOS_BUILD_BENCH=OFF >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest -L unit --output-on-failure -j $(JOBS)

# Each fuzz target under libFuzzer for FUZZ_SECONDS, starting from its checked-in corpus; new inputs go to
# $(FUZZ_BUILD)/corpus-<target>.
FUZZ_BUILD   ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= auth xml sdk_xml callback route range cosd_xml
fuzz: deps
	@cmake -S . -B $(FUZZ_BUILD) -DCMAKE_C_COMPILER=clang -DCOS_FUZZ=ON -DCOS_BUILD_BENCH=OFF \
	  -DCMAKE_C_FLAGS="-gline-tables-only" >/dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS) --target $(addprefix fuzz_,$(FUZZ_TARGETS))
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_BUILD)/corpus-$$t; \
	  echo "== fuzz_$$t for $(FUZZ_SECONDS) s"; \
	  if $(FUZZ_BUILD)/tests/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	       -artifact_prefix=$(FUZZ_BUILD)/ $(FUZZ_BUILD)/corpus-$$t tests/fuzz/corpus/$$t \
	       >$(FUZZ_BUILD)/fuzz_$$t.log 2>&1; then \
	    grep -E 'stat::number_of_executed_units' $(FUZZ_BUILD)/fuzz_$$t.log; \
	  else \
	    grep -E -A20 'ERROR|SUMMARY|runtime error' $(FUZZ_BUILD)/fuzz_$$t.log | head -40; exit 1; \
	  fi; \
	done

# The threaded tests (parallel transfers, moderation workers, concurrent SDK use, cosd under load)
# under ThreadSanitizer.
TSAN_BUILD ?= build-tsan
TSAN_TESTS ?= test_sdk_cosd|test_sdk_resumable_cosd|ci_it_load|ci_it_jobs|cosd_it_crash|cosd_it_multipart$$
test-tsan: deps
	@cmake -S . -B $(TSAN_BUILD) $(CMAKE_FLAGS) -DCOS_TSAN=ON -DCOS_BUILD_BENCH=OFF >/dev/null
	@cmake --build $(TSAN_BUILD) -j $(JOBS)
	cd $(TSAN_BUILD) && TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
	  ctest -R '$(TSAN_TESTS)' --output-on-failure

install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
