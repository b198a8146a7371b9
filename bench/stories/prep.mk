# bench/stories/prep.mk -- builds prep_bench.c (not part of the main `make`)
# against a library: make -f bench/stories/prep.mk [LIB=path/libdateline.a]
# [OUT=path/prep_bench].  The default is this tree's build/libdateline.a.
ROOT    := $(dir $(lastword $(MAKEFILE_LIST)))../..
CC      ?= cc
LIB     ?= $(ROOT)/build/libdateline.a
OUT     ?= $(ROOT)/bench/out/prep_bench
PKGS    := sqlite3 libutf8proc libzstd zlib jansson libmicrohttpd libxxhash
LIBS    := $(shell pkg-config --libs $(PKGS)) -lstemmer -lstreamvbyte -lpthread -lm
CPPFLAGS:= -I$(ROOT)/include -I$(ROOT)/src -D_GNU_SOURCE $(shell pkg-config --cflags $(PKGS))

$(OUT): $(ROOT)/bench/stories/prep_bench.c $(LIB) FORCE
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -O2 -g -std=gnu11 -Wall -Wextra $< -o $@ $(LIB) $(LIBS)
FORCE:
