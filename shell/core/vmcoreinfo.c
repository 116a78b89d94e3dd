// SPDX-License-Identifier: GPL-3.0-or-later
// VMCOREINFO parser.  Format: see kernel/vmcore_info.c (vmcoreinfo_append_str
// callers): SYMBOL(x)=%lx and KERNELOFFSET=%lx are hex without a prefix;
// OFFSET/SIZE/LENGTH/NUMBER/PAGESIZE/CRASHTIME are decimal (NUMBER may be
// negative); arm64 writes a few with an explicit 0x prefix.
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vmcoreinfo.h"

struct kd_error *kd_vmcoreinfo_parse(struct kd_vmcoreinfo *v, const char *text, size_t len)
{
	memset(v, 0, sizeof(*v));
	// Stop at the first NUL: notes are padded.
	const char *nul = memchr(text, '\0', len);
	if (nul)
		len = (size_t)(nul - text);
	v->text = malloc(len + 1);
	if (!v->text)
		return &kd_enomem;
	memcpy(v->text, text, len);
	v->text[len] = '\0';

	size_t cap = 0;
	char *save = NULL;
	for (char *line = strtok_r(v->text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '=');
		if (!eq || eq == line)
			continue;
		*eq = '\0';
		size_t vl = strlen(eq + 1);
		if (vl && eq[vl] == '\r')
			eq[vl] = '\0';
		if (v->n == cap) {
			cap = cap ? cap * 2 : 64;
			char **k = realloc(v->keys, cap * sizeof(*k));
			if (!k)
				goto nomem;
			v->keys = k;
			char **val = realloc(v->values, cap * sizeof(*val));
			if (!val)
				goto nomem;
			v->values = val;
		}
		v->keys[v->n] = line;
		v->values[v->n] = eq + 1;
		v->n++;
	}
	return NULL;
nomem:
	kd_vmcoreinfo_deinit(v);
	return &kd_enomem;
}

void kd_vmcoreinfo_deinit(struct kd_vmcoreinfo *v)
{
	free(v->keys);
	free(v->values);
	free(v->text);
	memset(v, 0, sizeof(*v));
}

const char *kd_vmcoreinfo_lookup(const struct kd_vmcoreinfo *v, const char *key)
{
	for (size_t i = v->n; i-- > 0;)
		if (strcmp(v->keys[i], key) == 0)
			return v->values[i];
	return NULL;
}

struct kd_error *kd_vmcoreinfo_value_number(const struct kd_vmcoreinfo *v, const char *key,
					    uint64_t *ret)
{
	const char *val = kd_vmcoreinfo_lookup(v, key);
	if (!val)
		return kd_error_create(KD_ERR_NOTFOUND, "VMCOREINFO has no %s", key);
	int base = 10;
	if (strncmp(key, "SYMBOL(", 7) == 0 || strcmp(key, "KERNELOFFSET") == 0)
		base = 16;
	const char *p = val;
	bool neg = false;
	if (*p == '-') {
		neg = true;
		p++;
	}
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (!*p)
		goto bad;
	errno = 0;
	char *end;
	unsigned long long n = strtoull(p, &end, base);
	if (errno || *end)
		goto bad;
	*ret = neg ? (uint64_t)(-(int64_t)n) : (uint64_t)n;
	return NULL;
bad:
	return kd_error_create(KD_ERR_CORRUPT, "VMCOREINFO %s has a bad value '%s'", key, val);
}
