# tx2json - build, test and check targets.  `make` builds ./tx2json; `make
# test` runs the whole suite.  Missing -dev packages are installed with
# apt-get on first build (skipped when pkg-config already finds them).

CC      ?= cc
PKGS    := icu-uc icu-i18n libpcre2-8 libcjson
APT_PKGS := pkg-config libicu-dev libpcre2-dev libcjson-dev
CSTD    := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
WARN    := -Wall -Wextra
ifeq ($(WERROR),1)
WARN    += -Werror
endif
OPT     ?= -O2 -g
BUILD   ?= build
BIN     ?= tx2json
RULES_DIR := $(CURDIR)/rules

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS_ALL = $(CSTD) $(WARN) $(OPT) $(EXTRA_CFLAGS) -fvisibility=hidden -Iinclude \
             -DTX2JSON_RULES_DIR='"$(RULES_DIR)"' $(PKG_CFLAGS)
LDLIBS_ALL = $(PKG_LIBS) -lm $(EXTRA_LDFLAGS)

LIB_SRC := util.c read.c normalize.c segment.c rules.c references.c episode.c \
           similar.c link.c output.c check.c tx2json.c
LIB_OBJ := $(addprefix $(BUILD)/,$(LIB_SRC:.c=.o))

.PHONY: all deps test check unit cli golden rules-test score asan ubsan leakcheck format bench-check \
        format-check clean

all: $(BIN)

# Install the libraries through Debian packages when pkg-config lacks them.
$(BUILD)/.deps:
	@mkdir -p $(BUILD)
	@if ! pkg-config --exists $(PKGS) 2>/dev/null; then \
	  echo "tx2json: installing build dependencies: $(APT_PKGS)"; \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(APT_PKGS) >/dev/null || exit 1; \
	fi
	@touch $@

deps: $(BUILD)/.deps

$(BUILD)/%.o: src/%.c src/internal.h include/tx2json.h $(BUILD)/.deps
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(BUILD)/libtx2json.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(BIN): $(BUILD)/main.o $(BUILD)/libtx2json.a
	$(CC) $(OPT) $(EXTRA_CFLAGS) -o $@ $^ $(LDLIBS_ALL)

$(BUILD)/unit: tests/unit.c $(BUILD)/libtx2json.a
	$(CC) $(CFLAGS_ALL) -Isrc -o $@ $^ $(LDLIBS_ALL)

test check: $(BIN) $(BUILD)/unit
	@TX2JSON_BIN=./$(BIN) TX2JSON_UNIT=./$(BUILD)/unit sh tests/run.sh

# The corpus score must not fall below these totals (issue 3's targets).
SCORE_MIN ?= --min-entry-f1 0.95 --min-link-p 0.97 --min-link-r 0.95 --min-mention 0.90

score: $(BIN)
	python3 tools/score --bin ./$(BIN) $(SCORE_MIN) corpora

# Sanitizer builds go to their own directories and run the whole suite.
asan:
	$(MAKE) BUILD=build-asan BIN=build-asan/tx2json OPT="-O1 -g" \
	  EXTRA_CFLAGS="-fsanitize=address -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	  EXTRA_LDFLAGS="-fsanitize=address" test

ubsan:
	$(MAKE) BUILD=build-ubsan BIN=build-ubsan/tx2json OPT="-O1 -g" \
	  EXTRA_CFLAGS="-fsanitize=undefined -fno-sanitize-recover=all" \
	  EXTRA_LDFLAGS="-fsanitize=undefined" test

leakcheck: $(BIN)
	@for f in corpora/*.txt; do \
	  valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect \
	    --error-exitcode=9 -q ./$(BIN) -q $$f >/dev/null || { echo "leakcheck: $$f"; exit 1; }; \
	done; echo "leakcheck: valgrind clean on corpora/*.txt"

# tx2json check over the shipped rules, timed with hyperfine against
# `tx2json --version` (start-up alone) in the same run.
bench-check: $(BIN)
	@command -v hyperfine >/dev/null || { echo "bench-check needs hyperfine (apt-get install hyperfine)"; exit 1; }
	hyperfine -N --warmup 3 --runs 50 './$(BIN) --version' './$(BIN) check rules'

format:
	clang-format -i src/*.c src/*.h include/*.h tests/*.c

format-check:
	clang-format --dry-run --Werror src/*.c src/*.h include/*.h tests/*.c

clean:
	rm -rf build build-asan build-ubsan tx2json
