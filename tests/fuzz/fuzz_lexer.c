// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzz target: the command-line lexer (shell/lexer.c) on arbitrary lines.
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "lexer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size + 1);
	if (!line)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	struct kd_lexed l;
	struct kd_error *err = kd_lex(line, &l);
	if (err)
		kd_error_destroy(err);
	else
		kd_lexed_free(&l);
	free(line);
	return 0;
}
