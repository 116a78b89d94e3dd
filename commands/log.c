// SPDX-License-Identifier: GPL-3.0-or-later
// log: the kernel log, formatted as dmesg and crash show it: timestamps,
// levels, callers, device info, wall-clock time from the timekeeper.  The
// records come from kd_log_foreach (shell/core/printk.c), which reads the
// kernel's printk buffer (kernel/printk/printk_ringbuffer.{h,c} and the
// older formats) from VMCOREINFO alone.
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <kdive/module.h>
#include <kdive/printk.h>
#include <kdive/symbols.h>
#include <kdive/types.h>

enum { O_T, O_TT, O_M, O_C, O_D, O_JSON, O_NOPT };
static const struct kd_option log_opts[] = {
	[O_T] = { "t", KD_ARG_NONE, NULL, "no timestamps" },
	[O_TT] = { "T", KD_ARG_NONE, NULL, "wall-clock timestamps (from the kernel's timekeeper; local time zone)" },
	[O_M] = { "m", KD_ARG_NONE, NULL, "show each message's level as <N>" },
	[O_C] = { "c", KD_ARG_NONE, NULL, "show the caller: [Tpid] thread or [Ccpu] CPU" },
	[O_D] = { "d", KD_ARG_NONE, NULL, "show device info (SUBSYSTEM=, DEVICE=) below a message" },
	[O_JSON] = KD_OPTION_JSON,
	[O_NOPT] = { NULL },
};

static void put_escaped(struct kd_session *s, const unsigned char *p, size_t n, int indent)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = p[i];
		if (c == '\n')
			kd_printf(s, "\n%*s", indent, "");
		else if ((c < 0x20 && c != '\t') || c >= 0x7f || c == '\\')
			kd_printf(s, "\\x%02x", c);
		else
			kd_printf(s, "%c", c);
	}
}

struct lost;
struct out_opts {
	bool no_ts, level, caller, devinfo, json;
	bool wall;            // -T: wall-clock time, boot_wall_ns + timestamp
	int64_t boot_wall_ns;
	struct lost *lost;    // the records the reader could not read
};

// Records that could not be read, named on stderr once per run of
// consecutive records with the same reason (a missing page of the data
// ring holds many), and in --json as {"seq" or "id", "incomplete", "reason"}.
struct lost {
	uint64_t total, first, count;
	uint64_t seq_first, seq_last; // NO_SEQ when a record's info was unreadable
	char *why;                    // a copy: the reader frees its own at its end
};
#define NO_SEQ UINT64_MAX

static void lost_flush(struct kd_session *s, struct lost *lost)
{
	if (!lost->count)
		return;
	const char *why = lost->why ? lost->why : "(no memory for the reason)";
	if (lost->seq_first != NO_SEQ && lost->seq_last != NO_SEQ && lost->count == 1)
		kd_warn(s, "log: record %" PRIu64 " unreadable: %s", lost->seq_first, why);
	else if (lost->seq_first != NO_SEQ && lost->seq_last != NO_SEQ)
		kd_warn(s, "log: %" PRIu64 " records (%" PRIu64 "-%" PRIu64 ") unreadable: %s",
			lost->count, lost->seq_first, lost->seq_last, why);
	else if (lost->count == 1)
		kd_warn(s, "log: record (descriptor id %" PRIu64 ") unreadable: %s", lost->first, why);
	else
		kd_warn(s, "log: %" PRIu64 " records (descriptor ids %" PRIu64 "-%" PRIu64 ") unreadable: %s",
			lost->count, lost->first, lost->first + lost->count - 1, why);
	lost->count = 0;
	free(lost->why);
	lost->why = NULL;
}

static void lost_record(struct kd_session *s, const struct out_opts *o, struct lost *lost,
			const struct kd_log_record *r)
{
	uint64_t seq = r->has_seq ? r->seq : NO_SEQ;
	if (lost->count && (!lost->why || strcmp(r->lost, lost->why) != 0 || r->id != lost->first + lost->count))
		lost_flush(s, lost);
	if (!lost->count) {
		lost->first = r->id;
		lost->why = strdup(r->lost);
		lost->seq_first = seq;
	}
	lost->seq_last = seq;
	lost->count++;
	lost->total++;
	if (o->json) {
		kd_json_begin_object(s, NULL);
		if (seq != NO_SEQ)
			kd_json_u64(s, "seq", seq);
		else
			kd_json_u64(s, "id", r->id);
		kd_json_bool(s, "incomplete", true);
		kd_json_string(s, "reason", r->lost);
		kd_json_end_object(s);
	}
}

static int emit(struct kd_session *s, const struct kd_log_record *r, void *arg)
{
	struct out_opts *o = arg;
	if (r->lost) {
		lost_record(s, o, o->lost, r);
		return 0;
	}
	char cbuf[16] = "";
	if (r->has_caller)
		snprintf(cbuf, sizeof(cbuf), "%c%u", r->caller & 0x80000000u ? 'C' : 'T',
			 r->caller & 0x7fffffffu);
	if (o->json) {
		kd_json_begin_object(s, NULL);
		kd_json_u64(s, "seq", r->seq);
		kd_json_u64(s, "ts_nsec", r->ts_nsec);
		kd_json_u64(s, "level", r->level);
		kd_json_u64(s, "facility", r->facility);
		if (r->has_caller)
			kd_json_string(s, "caller", cbuf);
		kd_json_string_n(s, "text", r->len ? (const char *)r->text : "", r->len);
		if (r->sublen)
			kd_json_string_n(s, "subsystem", r->subsys, r->sublen);
		if (r->devlen)
			kd_json_string_n(s, "device", r->device, r->devlen);
		kd_json_end_object(s);
		return 0;
	}
	int col = 0;
	bool no_ts = o->no_ts || !r->has_ts;
	if (!no_ts && o->wall) {
		time_t t = (time_t)((o->boot_wall_ns + (int64_t)r->ts_nsec) / 1000000000);
		struct tm tm;
		char buf[64] = "?";
		if (localtime_r(&t, &tm))
			strftime(buf, sizeof(buf), "%a %b %e %H:%M:%S %Y", &tm);
		col += kd_printf(s, "[%s] ", buf);
	} else if (!no_ts) {
		col += kd_printf(s, "[%5" PRIu64 ".%06" PRIu64 "] ", r->ts_nsec / 1000000000,
				 (r->ts_nsec % 1000000000) / 1000);
	}
	if (o->caller && r->has_caller)
		col += kd_printf(s, "[%7s] ", cbuf);
	if (o->level && r->has_level)
		col += kd_printf(s, "<%u>", r->level);
	put_escaped(s, r->text, r->len, col);
	kd_printf(s, "\n");
	if (o->devinfo && r->sublen) {
		kd_printf(s, "%*sSUBSYSTEM=", col, "");
		put_escaped(s, (const unsigned char *)r->subsys, r->sublen, col);
		kd_printf(s, "\n");
	}
	if (o->devinfo && r->devlen) {
		kd_printf(s, "%*sDEVICE=", col, "");
		put_escaped(s, (const unsigned char *)r->device, r->devlen, col);
		kd_printf(s, "\n");
	}
	return 0;
}

// The wall-clock time of boot, for -T: the timekeeper's realtime and
// monotonic clocks at its last update (kernel/time/timekeeping.c keeps a
// copy of the timekeeper in shadow_timekeeper; struct tk_read_base has
// base, the monotonic time, and since 4.10 base_real, the realtime).  Log
// timestamps are local_clock(), which follows the monotonic clock closely
// (as dmesg -T and crash log -T assume).
static struct kd_error *boot_wall_time(struct kd_session *s, int64_t *ret)
{
	uint64_t tk, base, real, sec;
	// Only -T needs symbols and types: load them here, not for every log.
	struct kd_error *err = kd_types_load(s); // the symbols first
	if (!err)
		err = kd_symbol_address(s, "shadow_timekeeper", &tk);
	if (!err)
		err = kd_read_member_u64(s, "timekeeper", "tkr_mono.base", tk, &base);
	if (err)
		return kd_error_prefix(err, "-T needs the kernel's timekeeper");
	if (!kd_read_member_u64(s, "timekeeper", "tkr_mono.base_real", tk, &real)) {
		*ret = (int64_t)(real - base);
		return NULL;
	}
	if ((err = kd_read_member_u64(s, "timekeeper", "xtime_sec", tk, &sec)))
		return kd_error_prefix(err, "-T needs the kernel's timekeeper");
	*ret = (int64_t)(sec * 1000000000) - (int64_t)base;
	return NULL;
}

static struct kd_error *log_run(struct kd_session *s, const struct kd_args *args)
{
	const struct kd_optval *v = args->opt;
	struct kd_error *err = NULL;
	if (args->argc > 1)
		return kd_error_create(KD_ERR_USAGE, "unexpected argument '%s'", args->argv[1]);
	struct out_opts o = {
		.no_ts = v[O_T].count, .level = v[O_M].count, .caller = v[O_C].count,
		.devinfo = v[O_D].count, .json = kd_json_mode(s), .wall = v[O_TT].count > 0,
	};
	if (o.wall && (err = boot_wall_time(s, &o.boot_wall_ns)))
		return err;
	if (o.json)
		kd_json_begin_array(s, NULL);
	struct lost lost = { 0 };
	o.lost = &lost;
	err = kd_log_foreach(s, emit, &o);
	lost_flush(s, &lost);
	if (o.json)
		kd_json_end_array(s);
	if (!err && lost.total)
		err = kd_error_create(KD_ERR_NODATA, "%" PRIu64 " record(s) of the kernel log unreadable (named above)",
				      lost.total);
	return err;
}

static const struct kd_command commands[2] = {
	{
		.name = "log",
		.summary = "the kernel log (dmesg) from the dump",
		.help = "Print the kernel message buffer as dmesg and crash do: a timestamp in\n"
			"seconds since boot, then the text; lines of a multi-line message are\n"
			"indented to the text column; bytes that are not printable ASCII are\n"
			"shown as \\xNN as /dev/kmsg does (tabs are kept, as dmesg shows them).\n"
			"Works from VMCOREINFO alone: the lockless ring buffer (Linux 5.10+), the\n"
			"variable-length log_buf records (3.5 to 5.9) and the plain character\n"
			"buffer before that, whichever VMCOREINFO describes.\n\n"
			"EXAMPLES\n"
			"  kdive> log | tail -n 3\n"
			"  kdive> log -m -c | grep '<3>'\n"
			"  kdive> log --json | jq -r '.[] | select(.level <= 3) | .text'",
		.options = log_opts,
		.flags = KD_CMD_NEEDS_DUMP | KD_CMD_NEEDS_VMCOREINFO,
		.run = log_run,
	},
	{ NULL },
};

KD_MODULE_EXPORT const struct kd_module kd_module_info = {
	.abi = KD_MODULE_ABI,
	.struct_size = sizeof(struct kd_module),
	.name = "log",
	.version = "1",
	.commands = commands,
};
