# test-sha256: common/sha256 behind a tiny CLI, checked by the runtime tests
# against node:crypto (native C has no unit test runner of its own).
all: $(OUT)/test-sha256

$(OUT)/test-sha256: test/sha256.c common/sha256.c common/sha256.h common/util.c common/error.c | $(OUT)
	$(CC) $(CFLAGS) -o $@ test/sha256.c common/sha256.c common/util.c common/error.c
