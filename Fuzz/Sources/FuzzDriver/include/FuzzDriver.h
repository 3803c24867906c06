#pragma once
#include <stddef.h>
#include <stdint.h>

/// Hands control to libFuzzer with `callback` as the test function. SwiftPM links an executable's `main`
/// to `<module>_main`, so libFuzzer's own `main` is never pulled in; each harness defines that symbol and
/// calls this (libFuzzer's documented entry for programs with their own main: LLVMFuzzerRunDriver).
int marquee_fuzz_run(int argc, char **argv, int (*callback)(const uint8_t *data, size_t size));
