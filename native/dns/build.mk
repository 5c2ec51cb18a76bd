# berth-dns: the DNS responder, static with musl when available (a small,
# quick-starting resident process), else the host cc. DNS_CFLAGS adds flags
# (e.g. -fsanitize=address,undefined with DNS_CC=gcc for a checked build).
DNS_CC ?= $(shell command -v musl-gcc 2>/dev/null)
ifeq ($(DNS_CC),)
DNS_CC := $(CC)
DNS_LDFLAGS ?=
else
DNS_LDFLAGS ?= -static
endif
DNS_SRCS := $(wildcard dns/*.c)
DNS_HDRS := $(wildcard dns/*.h)

all: $(OUT)/berth-dns

$(OUT)/berth-dns: $(DNS_SRCS) $(DNS_HDRS) dns/build.mk | $(OUT)
	$(DNS_CC) -std=gnu11 -O2 -g -Wall -Wextra -D_GNU_SOURCE -I. $(DNS_CFLAGS) $(DNS_LDFLAGS) \
		-o $@ $(DNS_SRCS)
