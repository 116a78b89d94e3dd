// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzz target: option parsing (NUL-separated argv) and number parsing.
#include <stdlib.h>
#include <string.h>

#include <kdive/module.h>

#include "core/options.h"
#include "fuzz.h"

static const struct kd_option opts[] = {
	{ "p", KD_ARG_NONE, NULL, NULL }, { "x", KD_ARG_NONE, NULL, NULL },
	{ "16", KD_ARG_NONE, NULL, NULL }, { "c", KD_ARG_PID, "PID", NULL },
	{ "file", KD_ARG_FILE, "F", NULL }, { NULL },
};
static const struct kd_command cmd = { .name = "t", .options = opts };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1);
	char *argv[66] = { (char *)"t" };
	int argc = 1;
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (size_t i = 0; i <= size && argc < 65;) {
		argv[argc++] = copy + i;
		i += strlen(copy + i) + 1;
	}
	argv[argc] = NULL;
	struct kd_optval v[5];
	int n;
	kd_error_destroy(kd_parse_options(&cmd, argc, argv, v, &n));
	uint64_t x;
	kd_error_destroy(kd_parse_u64(copy, true, &x));
	kd_error_destroy(kd_parse_u64(copy, false, &x));
	free(copy);
	return 0;
}
