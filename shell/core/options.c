// SPDX-License-Identifier: GPL-3.0-or-later
// Option parsing driven by a command's option table (the git parse-options
// idea: one table gives parsing, help and completion).  Single dash takes
// any option name, crash style ("-16", "-p"); one-letter flags group ("-px");
// double dash takes long names ("--json").  Options and operands mix freely.
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/module.h>

static int find_option(const struct kd_option *opts, const char *name, size_t len)
{
	for (int i = 0; opts && opts[i].name; i++)
		if (strlen(opts[i].name) == len && strncmp(opts[i].name, name, len) == 0)
			return i;
	return -1;
}

struct kd_error *kd_parse_options(const struct kd_command *cmd, int argc, char **argv,
				  struct kd_optval *vals, int *nargs_ret)
{
	const struct kd_option *opts = cmd->options;
	int nopts = 0;
	while (opts && opts[nopts].name)
		nopts++;
	memset(vals, 0, (size_t)nopts * sizeof(*vals));

	char **operands = calloc((size_t)argc + 1, sizeof(*operands));
	if (!operands)
		return &kd_enomem;
	int nops = 0;
	bool only_operands = false;
	struct kd_error *err = NULL;
	for (int i = 1; i < argc; i++) {
		char *a = argv[i];
		if (only_operands || a[0] != '-' || a[1] == '\0') {
			operands[nops++] = a;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_operands = true;
			continue;
		}
		const char *name = a[1] == '-' ? a + 2 : a + 1;
		const char *eq = a[1] == '-' ? strchr(name, '=') : NULL;
		size_t len = eq ? (size_t)(eq - name) : strlen(name);
		int idx = find_option(opts, name, len);
		if (idx < 0 && a[1] != '-') {
			// Group of one-letter flags: each must be a known flag.
			bool ok = len > 1;
			for (size_t k = 0; ok && k < len; k++) {
				int j = find_option(opts, name + k, 1);
				ok = j >= 0 && opts[j].arg == KD_ARG_NONE;
			}
			if (ok) {
				for (size_t k = 0; k < len; k++)
					vals[find_option(opts, name + k, 1)].count++;
				continue;
			}
			// A negative number is an operand (e.g. rd -d output offsets).
			if (name[0] >= '0' && name[0] <= '9') {
				char *end;
				errno = 0;
				(void)strtoll(a, &end, 0);
				if (!*end) {
					operands[nops++] = a;
					continue;
				}
			}
		}
		if (idx < 0) {
			err = kd_error_create(KD_ERR_USAGE, "unknown option '%s'", a);
			goto out;
		}
		vals[idx].count++;
		if (opts[idx].arg != KD_ARG_NONE) {
			if (eq) {
				vals[idx].arg = eq + 1;
			} else if (i + 1 < argc) {
				vals[idx].arg = argv[++i];
			} else {
				err = kd_error_create(KD_ERR_USAGE, "option '%s' needs an argument (%s)", a,
						      opts[idx].argname ? opts[idx].argname : "value");
				goto out;
			}
		} else if (eq) {
			err = kd_error_create(KD_ERR_USAGE, "option '--%.*s' takes no argument", (int)len,
					      name);
			goto out;
		}
	}
	for (int i = 0; i < nops; i++)
		argv[i + 1] = operands[i];
	argv[nops + 1] = NULL;
	*nargs_ret = nops;
out:
	free(operands);
	return err;
}

struct kd_error *kd_parse_u64(const char *str, bool hex_default, uint64_t *ret)
{
	const char *p = str;
	int base = hex_default ? 16 : 10;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	} else if (p[0] == '0' && (p[1] == 'd' || p[1] == 'D')) {
		base = 10;
		p += 2;
	}
	if (!*p || *p == '-' || *p == '+' || *p == ' ')
		return kd_error_create(KD_ERR_USAGE, "invalid number '%s'", str);
	errno = 0;
	char *end;
	unsigned long long v = strtoull(p, &end, base);
	if (*end)
		return kd_error_create(KD_ERR_USAGE, "invalid number '%s'", str);
	if (errno == ERANGE)
		return kd_error_create(KD_ERR_USAGE, "number '%s' is too large", str);
	*ret = v;
	return NULL;
}
