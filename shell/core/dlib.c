// SPDX-License-Identifier: GPL-3.0-or-later
// Optional libraries opened on first use (see dlib.h).
#include <dlfcn.h>
#include <stdio.h>

#include "dlib.h"

const char *kd_dlib_open(struct kd_dlib *l, const struct kd_dlib_sym *syms, size_t n)
{
	if (l->tried)
		return l->why[0] ? l->why : NULL;
	l->tried = true;
	void *h = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *e = dlerror();
		snprintf(l->why, sizeof(l->why), "cannot open %s: %s", l->soname, e ? e : "unknown error");
		return l->why;
	}
	for (size_t i = 0; i < n; i++) {
		void *f = dlsym(h, syms[i].name);
		if (!f) {
			snprintf(l->why, sizeof(l->why), "%s has no %s", l->soname, syms[i].name);
			for (size_t j = 0; j < i; j++)
				*syms[j].fn = NULL;
			dlclose(h);
			return l->why;
		}
		*syms[i].fn = f;
	}
	l->handle = h;
	return NULL;
}
