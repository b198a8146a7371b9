# dateline -- build, test, fuzz and bench.
#
#   make            the library (build/libdateline.a, build/libdateline.so)
#                   and the command ./dateline
#   make test       the whole test suite: unit tests, CLI tests, fuzz corpus
#                   replay, then all of it again under ASan + UBSan
#   make fuzz       libFuzzer targets (clang) in build/fuzz/
#   make bench      benchmarks (bench/README.md)
#   make model      retrains models/ner.model from ../shared/gold/conll
#   make CC=clang   any C11 compiler; SAN=1 builds with sanitizers

CC      ?= cc
# `make` sets CC=cc by default; keep it unless the user chose another
OPT     ?= -O2
CFLAGS  ?= $(OPT) -g
WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wno-unused-parameter -Wformat=2
PKGS    := sqlite3 libutf8proc libzstd zlib jansson libmicrohttpd libxxhash
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
LIBS    := $(PKG_LIBS) -lstemmer -lstreamvbyte -lpthread -lm
CPPFLAGS += -Iinclude -Isrc -D_GNU_SOURCE $(PKG_CFLAGS)

ifeq ($(SAN),1)
  BUILD   := build-san
  CFLAGS  := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
             -fno-sanitize-recover=undefined
  LDFLAGS += -fsanitize=address,undefined
else
  BUILD   := build
endif

LIB_SRC := $(sort $(wildcard src/*/*.c))
LIB_SRC := $(filter-out src/cli/%,$(LIB_SRC))
CLI_SRC := $(sort $(wildcard src/cli/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
PIC_OBJ := $(LIB_SRC:%.c=$(BUILD)/pic/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_SRC := $(sort $(wildcard tools/*.c))
TOOL_BIN := $(TOOL_SRC:tools/%.c=$(BUILD)/tools/%)

DEPFLAGS = -MMD -MP

.PHONY: model demo all lib test unit-tests cli-tests san-test fuzz fuzz-replay bench clean tools
all: $(BUILD)/dateline dateline tools

ifneq ($(SAN),1)
dateline: $(BUILD)/dateline
	cp $< $@.tmp && mv -f $@.tmp $@
endif

lib: $(BUILD)/libdateline.a $(BUILD)/libdateline.so

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -std=gnu11 $(DEPFLAGS) -c $< -o $@

$(BUILD)/pic/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -std=gnu11 -fPIC $(DEPFLAGS) -c $< -o $@

$(BUILD)/libdateline.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/libdateline.so: $(PIC_OBJ)
	$(CC) -shared -o $@ $^ $(LDFLAGS) $(LIBS)

$(BUILD)/dateline: $(CLI_OBJ) $(BUILD)/libdateline.a $(if $(filter 1,$(SAN)),,$(BUILD)/libdateline.so)
	$(CC) -o $@ $(CLI_OBJ) $(BUILD)/libdateline.a $(LDFLAGS) $(LIBS)

tools: $(TOOL_BIN)
$(BUILD)/tools/%: tools/%.c $(BUILD)/libdateline.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -std=gnu11 $< -o $@ $(BUILD)/libdateline.a $(LDFLAGS) $(LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libdateline.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -std=gnu11 -Wno-missing-prototypes $< -o $@ \
	    $(BUILD)/libdateline.a $(LDFLAGS) $(LIBS) -lcmocka

# ---------------------------------------------------------------- tests
# `make test` is the one command that runs everything (README, .ci/run).
test:
	$(MAKE) all
	$(MAKE) unit-tests cli-tests fuzz-replay
	$(MAKE) SAN=1 san-test
	@echo "make test: all suites passed"

unit-tests: $(TEST_BIN)
	@sh tests/run_unit.sh $(BUILD)/tests

cli-tests: $(BUILD)/dateline
	@DATELINE=$(abspath $(BUILD)/dateline) sh tests/cli/run.sh

# every fuzz target also builds with fuzz/replay_main.c into a plain program
# that runs it over its committed corpus (fuzz/corpus/TARGET/)
FUZZ_SRC := $(sort $(wildcard fuzz/fuzz_*.c))
REPLAY_BIN := $(FUZZ_SRC:fuzz/%.c=$(BUILD)/fuzz/%)
$(BUILD)/fuzz/%: fuzz/%.c fuzz/replay_main.c $(BUILD)/libdateline.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -std=gnu11 -Wno-missing-prototypes $< fuzz/replay_main.c \
	    -o $@ $(BUILD)/libdateline.a $(LDFLAGS) $(LIBS)

fuzz-replay: $(REPLAY_BIN)
	@sh fuzz/replay.sh $(BUILD)/fuzz

# The sanitizer pass: unit tests, CLI tests and fuzz replay on an ASan+UBSan
# build (build-san/).  Called as `make SAN=1 san-test`.
san-test: $(BUILD)/dateline $(TEST_BIN) $(REPLAY_BIN)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    sh tests/run_unit.sh $(BUILD)/tests
	@ASAN_OPTIONS=detect_leaks=1 DATELINE_SAN=1 DATELINE=$(abspath $(BUILD)/dateline) \
	    sh tests/cli/run.sh
	@sh fuzz/replay.sh $(BUILD)/fuzz

# ---------------------------------------------------------------- fuzz
FUZZ_BIN := $(FUZZ_SRC:fuzz/%.c=build-fuzz/%)
fuzz: $(FUZZ_BIN)
build-fuzz/%: fuzz/%.c $(LIB_SRC)
	@mkdir -p build-fuzz
	clang $(CPPFLAGS) -O1 -g -fsanitize=fuzzer,address,undefined -std=gnu11 \
	    $< $(LIB_SRC) -o $@ $(LIBS)

# Rebuilds the entity tagger's model from the gold data (not part of `make`:
# the trained model is committed).  ~1 minute on one core.
CONLL ?= ../shared/gold/conll/gold.jsonl
model: $(BUILD)/tools/train_ner
	$(BUILD)/tools/train_ner $(CONLL) data/gazetteer.tsv models/ner.model

# the README's first command: build, then ingest and show the examples
demo: all
	@sh scripts/demo.sh

bench: all
	sh bench/run.sh

clean:
	rm -rf build build-san build-fuzz dateline demo.dateline

-include $(LIB_OBJ:.o=.d) $(PIC_OBJ:.o=.d) $(CLI_OBJ:.o=.d)

# the web page (web/) is embedded in the library by src/serve/web.c (.incbin)
$(BUILD)/src/serve/web.o $(BUILD)/pic/src/serve/web.o: $(wildcard web/*)
