// SPDX-License-Identifier: GPL-3.0-or-later
// Loading the layers above the core (symbols, types, kernel modules) at their
// points of use: the dispatcher before a command that declares them in its
// flags, and the few core functions that resolve a name the user typed (an
// address operand, the default task context).  Getters never load.
#include <kdive/symbols.h>
#include <kdive/types.h>

#include "session_priv.h"

/*
 * In load order: a layer comes after those it reads through (deps).  A
 * quiet layer's failure in uses is no warning: module symbols are an extra
 * whose failure the listings that miss them report (sym -l, sym -m).
 */
static const struct {
	unsigned layer, deps;
	const char *what;
	size_t state_off;
	struct kd_error *(*load)(struct kd_session *s);
	bool quiet;
} layers[] = {
	{ KD_LAYER_SYMBOLS, 0, "symbols", offsetof(struct kd_session, symbols_state), kd_symbols_load,
	  false },
	{ KD_LAYER_TYPES, KD_LAYER_SYMBOLS, "types", offsetof(struct kd_session, types_state), kd_types_load, false },
	{ KD_LAYER_MODULES, KD_LAYER_SYMBOLS | KD_LAYER_TYPES, "modules",
	  offsetof(struct kd_session, modules_state), kd_kmodules_load, true },
};
enum { NLAYERS = sizeof(layers) / sizeof(layers[0]) };

struct kd_error *kd_layers_load(struct kd_session *s, unsigned needs, unsigned uses)
{
	for (size_t i = NLAYERS; i-- > 0;)
		if ((needs | uses) & layers[i].layer)
			uses |= layers[i].deps;
	for (size_t i = 0; i < NLAYERS; i++) {
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
		if (err && first && !layers[i].quiet)
			kd_warn(s, "%s: %s", layers[i].what, err->msg);
		kd_error_destroy(err);
	}
	return NULL;
}
