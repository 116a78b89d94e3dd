// SPDX-License-Identifier: GPL-3.0-or-later
// Loading the layers above the core (symbols, types) at their points of use:
// the dispatcher before a command that declares them in its flags, and the
// few core functions that resolve a name the user typed (an address operand,
// the default task context).  Getters never load.
#include <kdive/symbols.h>
#include <kdive/types.h>

#include "session_priv.h"

static const struct {
	unsigned layer;
	const char *what;
	size_t state_off;
	struct kd_error *(*load)(struct kd_session *s);
} layers[] = {
	{ KD_LAYER_SYMBOLS, "symbols", offsetof(struct kd_session, symbols_state), kd_symbols_load },
	{ KD_LAYER_TYPES, "types", offsetof(struct kd_session, types_state), kd_types_load },
};

struct kd_error *kd_layers_load(struct kd_session *s, unsigned needs, unsigned uses)
{
	for (size_t i = 0; i < sizeof(layers) / sizeof(layers[0]); i++) {
		if (!((needs | uses) & layers[i].layer))
			continue;
		const struct kd_load_state *st =
			(const struct kd_load_state *)((const char *)s + layers[i].state_off);
		if (st->tried && !st->err)
			continue;
		bool first = !st->tried;
		struct kd_error *err = layers[i].load(s);
		if (err && (needs & layers[i].layer))
			return kd_error_prefix(err, "%s", layers[i].what);
		if (err && first)
			kd_warn(s, "%s: %s", layers[i].what, err->msg);
		kd_error_destroy(err);
	}
	return NULL;
}
