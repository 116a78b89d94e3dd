/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fuzz targets: each file defines LLVMFuzzerTestOneInput.  Built two ways:
 * with clang -fsanitize=fuzzer for real fuzzing (scripts/fuzz), and with the
 * standalone driver (driver.c) for the seconds-long smoke in make check.
 */
#ifndef KD_FUZZ_H
#define KD_FUZZ_H
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
#endif
