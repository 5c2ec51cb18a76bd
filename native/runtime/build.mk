# berth-runtime: the OCI runtime CLI over native/rt (links libseccomp).
RT_SRCS := $(wildcard common/*.c) $(wildcard rt/*.c)
RUNTIME_SRCS := $(wildcard runtime/*.c)
RUNTIME_HDRS := $(wildcard common/*.h) $(wildcard rt/*.h) $(wildcard runtime/*.h)

all: $(OUT)/berth-runtime

$(OUT)/berth-runtime: $(RT_SRCS) $(RUNTIME_SRCS) $(RUNTIME_HDRS) | $(OUT)
	$(CC) $(CFLAGS) -Wno-missing-field-initializers -o $@ $(RT_SRCS) $(RUNTIME_SRCS) -lseccomp
