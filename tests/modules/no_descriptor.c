// SPDX-License-Identifier: GPL-3.0-or-later
// A shared object without a kd_module_info descriptor: not a kdive module.
int kd_test_not_a_module(void);
__attribute__((visibility("default"))) int kd_test_not_a_module(void)
{
	return 42;
}
