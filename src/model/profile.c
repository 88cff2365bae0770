/*
 * profile.c: the semantics profiles, all differences in one table.
 *
 * A profile is a set of switches; each switch is one documented kernel
 * difference (docs/semantics.md names the kernel functions in each tree).
 * This table is the one list of profiles: usage texts, error messages,
 * the spec's profiles= check and the fuzzers read it.
 * Which APIs exist in which profile is data, in data/api.spec
 * (profiles=...), so that "pcim_alloc_irq_vectors does not exist in 6.12"
 * and "pcim_intx does not exist in 6.1" are edits to the spec.
 *
 *  switch             6.1     6.11    6.12    proposed
 *  pci_devres         single  per-res per-res per-res
 *      6.1: one pcim_release node per binding, is_managed sticky, an
 *      explicit pci_disable_device is absorbed; later: one
 *      pcim_disable_device action per pcim_enable_device, is_managed
 *      cleared at detach, an explicit disable is disabled again (WARN).
 *  intx               record  hybrid  plain   plain
 *      6.1: pci_intx records the original bit in pcim_release, restored
 *      at detach; 6.11: on a managed device a changing pci_intx calls
 *      pcim_intx, which allocates a devres node with GFP_KERNEL (may
 *      sleep; during remove it creates devres during detach);
 *      6.12 (stable backport of "PCI: Remove devres from pci_intx()") and
 *      proposed: unmanaged, no restore.
 *  intx_restore_latest no     yes     no      no
 *      v6.11 pcim_intx sets orig_intx = !enable on every call, so the
 *      restore at detach undoes only the latest change; 6.12 saves the
 *      state before the first call ("PCI: Restore original INTX_DISABLE
 *      bit by pcim_intx()").
 *  msi_hybrid         yes     yes     yes     no
 *      pcim_msi_release is registered by the first MSI/MSI-X setup of a
 *      managed device; proposed drops it for pcim_alloc_irq_vectors().
 *  msix_context_early yes     no      no      no
 *      6.1 installs the MSI devres nodes before the MSI-X checks, so even
 *      a failing MSI-X attempt registers them.
 *  devres_before_bus  no      no      no      yes
 *      proposed: driver devres is released before the bus tears down its
 *      own state (dev_pm_domain_detach on platform and SPI).
 *  msi_teardown       no      no      no      yes
 *      proposed: msi_prepare's per-device state lives until the device's
 *      MSI data is released (msi_teardown), not until the last vector.
 *
 * The 6.11 PCI devres model (per-resource nodes, pcim_intx) is taken from
 * the v6.11 series, which no tree here has (docs/semantics.md, 6).
 */
#include <stdio.h>
#include <string.h>

#include "model/internal.h"

static const Profile profiles[] = {
	{ .name = "6.1",
	  .summary = "Debian 6.1.192: single pcim_release, pci_intx restored at detach, implicit MSI free",
	  .pci_devres = PCI_DEVRES_SINGLE, .intx = INTX_RECORD,
	  .msi_hybrid = true, .msix_context_early = true },
	{ .name = "6.11",
	  .summary = "v6.11: per-resource PCI devres, hybrid pci_intx allocating via pcim_intx, implicit MSI free",
	  .pci_devres = PCI_DEVRES_PER_RESOURCE, .intx = INTX_HYBRID_ALLOC, .intx_restore_latest = true,
	  .msi_hybrid = true },
	{ .name = "6.12",
	  .summary = "Debian 6.12.117: per-resource PCI devres, unmanaged pci_intx, implicit MSI free",
	  .pci_devres = PCI_DEVRES_PER_RESOURCE, .intx = INTX_UNMANAGED, .msi_hybrid = true },
	{ .name = "proposed",
	  .summary = "explicit pcim_alloc_irq_vectors, no implicit MSI free, unmanaged pci_intx, "
		     "driver devres before bus teardown, msi_teardown",
	  .pci_devres = PCI_DEVRES_PER_RESOURCE, .intx = INTX_UNMANAGED,
	  .devres_before_bus = true, .msi_teardown = true },
};

#define NPROFILES (int)(sizeof profiles / sizeof profiles[0])

const Profile *profile_at(int index)
{
	return index >= 0 && index < NPROFILES ? &profiles[index] : NULL;
}

const Profile *profile_by_name(const char *name)
{
	for (int i = 0; i < NPROFILES; i++)
		if (!strcmp(profiles[i].name, name))
			return &profiles[i];
	return NULL;
}

const Profile *profile_default(void)
{
	return profile_by_name("6.12");
}

const char *profile_name(const Profile *profile)
{
	return profile->name;
}

const char *profile_summary(const Profile *profile)
{
	return profile->summary;
}

const char *profile_names(char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = '\0';
	for (int i = 0; i < NPROFILES && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? ", " : "", profiles[i].name);
	return buf;
}

Spec *model_spec_load(const char *path, char *err, int errlen)
{
	const char *names[NPROFILES];
	for (int i = 0; i < NPROFILES; i++)
		names[i] = profiles[i].name;
	return spec_load(path, names, NPROFILES, err, errlen);
}
