# berth-init: static (musl when available) so it runs in any rootfs.
INIT_CC := $(shell command -v musl-gcc 2>/dev/null)
ifeq ($(INIT_CC),)
INIT_CC := $(CC)
endif

all: $(OUT)/berth-init

$(OUT)/berth-init: init/init.c init/build.mk | $(OUT)
	$(INIT_CC) -std=gnu11 -Os -Wall -Wextra -D_GNU_SOURCE -static -o $@ init/init.c
	strip $@
