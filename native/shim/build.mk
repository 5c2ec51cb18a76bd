# berth-shim: static with musl when musl-gcc is there (its resident memory is
# the point: a few hundred KiB instead of glibc's ~1 MiB), else the host cc.
SHIM_CC := $(shell command -v musl-gcc 2>/dev/null)
ifeq ($(SHIM_CC),)
SHIM_CC := $(CC)
SHIM_LDFLAGS :=
else
SHIM_LDFLAGS := -static
endif
SHIM_SRCS := $(wildcard shim/*.c) common/error.c common/signal.c
SHIM_HDRS := $(wildcard shim/*.h) common/error.h common/cleanup.h common/signal.h

all: $(OUT)/berth-shim

$(OUT)/berth-shim: $(SHIM_SRCS) $(SHIM_HDRS) shim/build.mk | $(OUT)
	$(SHIM_CC) -std=gnu11 -Os -g -Wall -Wextra -Wno-unused-parameter -Wno-format-truncation -D_GNU_SOURCE -I. $(SHIM_LDFLAGS) \
		-o $@ $(SHIM_SRCS)
