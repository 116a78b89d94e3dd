// SPDX-License-Identifier: GPL-3.0-or-later
// Address operands: a hexadecimal number, or a symbol with an optional
// offset ("init_task", "schedule+0x10", "jiffies+8", "init_task-16").  A
// string that is a valid number is a number (crash does the same), so a
// symbol spelled like one ("add") needs an offset: "add+0".  The offset is
// decimal unless it has a 0x prefix, so that what `sym` prints
// ("init_task+8") reads back as the same address.
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/session.h>
#include <kdive/symbols.h>

#include "session_priv.h"

struct kd_error *kd_parse_address(struct kd_session *s, const char *str, uint64_t *ret)
{
	struct kd_error *err = kd_parse_u64(str, true, ret);
	if (!err)
		return err;
	// A name: its point of use loads the symbol table.
	kd_error_destroy(kd_layers_load(s, 0, KD_LAYER_SYMBOLS));
	if (!kd_symbols_available(s))
		return err;
	kd_error_destroy(err);

	// NAME, NAME+OFF or NAME-OFF: C names have neither sign (compiler
	// clones such as "foo.part.0" have dots, which are fine).
	size_t len = strcspn(str, "+-");
	char *name = strndup(str, len);
	if (!name)
		return &kd_enomem;
	uint64_t off = 0;
	bool neg = str[len] == '-';
	if (str[len]) {
		err = kd_parse_u64(str + len + 1, false, &off);
		if (err) {
			free(name);
			kd_error_destroy(err);
			return kd_error_create(KD_ERR_USAGE, "invalid address '%s': bad offset '%s'", str,
					       str + len + 1);
		}
	}
	uint64_t addr;
	err = kd_symbol_address(s, name, &addr);
	if (err && err->code == KD_ERR_NOTFOUND) {
		// Not in the kernel image: a module's symbol, whose point of use
		// this is (once; a failure is reported by the module listings).
		kd_error_destroy(err);
		kd_error_destroy(kd_layers_load(s, 0, KD_LAYER_MODULES));
		err = kd_symbol_address(s, name, &addr);
	}
	if (err) {
		bool notfound = err->code == KD_ERR_NOTFOUND;
		kd_error_destroy(err);
		err = notfound ? kd_error_create(KD_ERR_NOTFOUND,
						  "invalid address '%s': not a number nor a symbol", str)
			       : NULL;
		if (!err)
			err = kd_error_create(KD_ERR_USAGE, "invalid address '%s'", str);
		free(name);
		return err;
	}
	free(name);
	*ret = neg ? addr - off : addr + off;
	return NULL;
}
