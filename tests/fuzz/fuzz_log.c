// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzz target: the `log` command's walk of the printk ring buffer over
// arbitrary memory.  The input becomes the kernel memory at LOG_FUZZ_BASE of
// a synthetic ELF vmcore (written to a memfd, so the real open path runs)
// whose VMCOREINFO has SYMBOL(prb) there and the ring buffer offsets of a
// 6.1 x86_64 kernel; the log module's code is compiled into the target and
// run as the dispatcher would, plain, with -m -c -d, and with --json.
// Seed: ring.mem from mkseeds.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kdive/symbols.h>
#include <kdive/types.h>

#include "core/options.h"
#include "core/session_priv.h"
#include "fuzz.h"
#include "fuzz_dump.h"
#include "fuzz_log.h"

#include "../../commands/log.c"

_Static_assert(LOG_FUZZ_BASE == TASKS_BASE && LOG_FUZZ_PHYS == TASKS_PHYS &&
		       LOG_FUZZ_WINDOW == TASKS_WINDOW,
	       "fuzz_log's memory is fuzz_dump's kernel-text window");

static const char vmcoreinfo[] = FUZZ_DUMP_VMCOREINFO
	"SYMBOL(prb)=ffffffff82000000\n"
	"SIZE(printk_ringbuffer)=88\nOFFSET(printk_ringbuffer.desc_ring)=0\n"
	"OFFSET(printk_ringbuffer.text_data_ring)=48\nOFFSET(printk_ringbuffer.fail)=80\n"
	"SIZE(prb_desc_ring)=48\nOFFSET(prb_desc_ring.count_bits)=0\n"
	"OFFSET(prb_desc_ring.descs)=8\nOFFSET(prb_desc_ring.infos)=16\n"
	"OFFSET(prb_desc_ring.head_id)=24\nOFFSET(prb_desc_ring.tail_id)=32\n"
	"SIZE(prb_desc)=24\nOFFSET(prb_desc.state_var)=0\nOFFSET(prb_desc.text_blk_lpos)=8\n"
	"SIZE(prb_data_blk_lpos)=16\nOFFSET(prb_data_blk_lpos.begin)=0\n"
	"OFFSET(prb_data_blk_lpos.next)=8\nSIZE(printk_info)=88\nOFFSET(printk_info.seq)=0\n"
	"OFFSET(printk_info.ts_nsec)=8\nOFFSET(printk_info.text_len)=16\n"
	"OFFSET(printk_info.caller_id)=20\nOFFSET(printk_info.dev_info)=24\n"
	"SIZE(dev_printk_info)=64\nOFFSET(dev_printk_info.subsystem)=0\n"
	"LENGTH(printk_info_subsystem)=16\nOFFSET(dev_printk_info.device)=16\n"
	"LENGTH(printk_info_device)=48\nSIZE(prb_data_ring)=32\n"
	"OFFSET(prb_data_ring.size_bits)=0\nOFFSET(prb_data_ring.data)=8\n"
	"OFFSET(prb_data_ring.head_lpos)=16\nOFFSET(prb_data_ring.tail_lpos)=24\n"
	"SIZE(atomic_long_t)=8\nOFFSET(atomic_long_t.counter)=0\n";

static void run(struct kd_session *s, bool json, int argc, char **argv)
{
	struct kd_args a;
	if (kd_args_init(&a, &commands[0], argc, argv))
		abort(); // the target's own command lines are valid
	s->json = json;
	s->json_depth = 0;
	kd_error_destroy(log_run(s, &a));
	s->json = false;
	kd_args_deinit(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	if (!devnull && !(devnull = fopen("/dev/null", "w")))
		return 0;
	// The input is the kernel memory at LOG_FUZZ_BASE of a dump whose page
	// tables map it (kernel reads walk them), as in the other targets.
	char path[64];
	int fd = fuzz_dump(vmcoreinfo, data, size, path);
	if (fd < 0)
		return 0;
	FILE *saved = stderr;
	stderr = devnull;
	struct kd_session *s;
	struct kd_error *err = kd_session_create(path, NULL, &s);
	if (!err) {
		// What the dispatcher loads for log (KD_CMD_USES_SYMBOLS|TYPES).
		kd_error_destroy(kd_symbols_load(s));
		kd_error_destroy(kd_types_load(s));
		// KDIVE_FUZZ_LOG_SHOW=1 prints the log (to check a seed by eye)
		s->out = getenv("KDIVE_FUZZ_LOG_SHOW") ? stdout : devnull;
		char a0[] = "log", a1[] = "-m", a2[] = "-c", a3[] = "-d", a4[] = "-t";
		char *plain[] = { a0, NULL }, *all[] = { a0, a1, a2, a3, NULL }, *notime[] = { a0, a4, NULL };
		run(s, false, 1, plain);
		run(s, false, 4, all);
		run(s, true, 2, notime);
		kd_session_destroy(s);
	} else {
		kd_error_destroy(err);
	}
	stderr = saved;
	close(fd);
	return 0;
}
