# bench/stories/prep.mk -- builds prep_bench.c (not part of the main `make`)
# against the library of the tree it sits in (build/libdateline.a, which it
# does not rebuild): make -f bench/stories/prep.mk [OUT=path/prep_bench].
ROOT    := $(dir $(lastword $(MAKEFILE_LIST)))../..
CC      ?= cc
LIB     := $(ROOT)/build/libdateline.a
OUT     ?= $(ROOT)/bench/out/prep_bench
PKGS    := sqlite3 libutf8proc libzstd zlib jansson libmicrohttpd libxxhash
LIBS    := $(shell pkg-config --libs $(PKGS)) -lstemmer -lstreamvbyte -lpthread -lm
CPPFLAGS:= -I$(ROOT)/include -I$(ROOT)/src -D_GNU_SOURCE $(shell pkg-config --cflags $(PKGS))

$(OUT): $(ROOT)/bench/stories/prep_bench.c $(LIB) FORCE
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -O2 -g -std=gnu11 -Wall -Wextra $< -o $@ $(LIB) $(LIBS)
FORCE:
