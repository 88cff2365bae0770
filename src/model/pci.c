/*
 * pci.c: PCI enable, managed mode and INTx (docs/semantics.md, 4 and 6).
 *
 * Two managed-mode models, chosen by the profile:
 *  - 6.1 keeps one pcim_release node per binding holding a struct
 *    pci_devres (enabled, pinned, restore_intx, orig_intx); pci_intx and
 *    pci_disable_device write into it while it is on the list, is_managed
 *    is never cleared.
 *  - 6.11 and later add one pcim_disable_device action per
 *    pcim_enable_device; it clears is_managed at detach and disables the
 *    device again even if the driver already did (WARN_ONCE, enable_cnt
 *    -1); pinned is sticky on the pci_dev.
 * INTx is one bit (PCI_COMMAND_INTX_DISABLE).  Whether changing it records
 * a restore (6.1), allocates a pcim_intx_restore node with GFP_KERNEL
 * (6.11 hybrid), or is a plain write (6.12) is the profile's intx switch.
 */
#include <string.h>

#include "model/internal.h"

static void set_step(Transition **slot, Transition *s)
{
	step_unref(*slot);
	*slot = step_ref(s);
}

void pci_enable_call(Model *m, const SpecEntry *e, ModelOutcome outcome)
{
	PciState *p = &m->pci;
	bool failed = outcome == MODEL_FAILURE;
	if (!(e->flags & SPEC_MANAGED)) {
		if (failed) {
			step_effect(m, "enable failed");
			return;
		}
		p->enable_cnt++;
		step_effect(m, "enable_cnt %d", p->enable_cnt);
		return;
	}
	if (m->profile->pci_devres == PCI_DEVRES_SINGLE) {
		if (devres_find(m, NODE_PCIM_RELEASE, -1) < 0) {
			Node *n = devres_add(m, NODE_PCIM_RELEASE, -1);
			p->dr_enabled = p->dr_pinned = p->dr_restore_intx = false;
			step_effect(m, "devres +#%d pcim_release", n->id);
		}
		if (p->dr_enabled) {
			step_effect(m, "already enabled by pcim_enable_device: no-op");
			return;
		}
		if (failed) {
			step_effect(m, "enable failed (the pcim_release node stays)");
			return;
		}
		p->enable_cnt++;
		p->is_managed = p->dr_enabled = true;
		set_step(&p->managed_by, m->cur);
		step_effect(m, "enable_cnt %d, managed", p->enable_cnt);
		return;
	}
	if (failed) {
		step_effect(m, "failed: the pcim_disable_device action is removed again, not managed");
		return;
	}
	Node *n = devres_add(m, NODE_PCIM_DISABLE, -1);
	p->enable_cnt++;
	p->is_managed = true;
	set_step(&p->managed_by, m->cur);
	step_effect(m, "devres +#%d pcim_disable_device; enable_cnt %d, managed", n->id, p->enable_cnt);
}

void pci_disable_device_now(Model *m, const char *who)
{
	PciState *p = &m->pci;
	if (p->enable_cnt <= 0) {
		p->enable_cnt--;
		step_effect(m, "disabling already-disabled device (WARN_ONCE), enable_cnt %d", p->enable_cnt);
		finding_raise(m, SEV_WARNING, RULE_PCI_DOUBLE_DISABLE, EVIDENCE(p->managed_by, p->disabled_by),
			      "%s disables a device that is already disabled: \"disabling already-disabled"
			      " device\" WARN_ONCE and enable_cnt goes to %d", who, p->enable_cnt);
		return;
	}
	p->enable_cnt--;
	step_effect(m, p->enable_cnt ? "enable_cnt %d, still enabled" : "device disabled (enable_cnt %d)",
		    p->enable_cnt);
}

void pci_disable_call(Model *m)
{
	PciState *p = &m->pci;
	if (m->profile->pci_devres == PCI_DEVRES_SINGLE && p->is_managed &&
	    devres_find(m, NODE_PCIM_RELEASE, -1) >= 0 && p->dr_enabled) {
		p->dr_enabled = false;
		step_effect(m, "managed: clears pcim_release's enabled flag");
		finding_raise(m, SEV_NOTE, RULE_PCI_DISABLE_MANAGED, EVIDENCE(p->managed_by),
			      "pci_disable_device on a managed device is absorbed in %s: pcim_release will not"
			      " disable it again (redundant)", m->profile->name);
	}
	pci_disable_device_now(m, "pci_disable_device");
	set_step(&p->disabled_by, m->cur);
}

void pci_pin_call(Model *m)
{
	PciState *p = &m->pci;
	if (m->profile->pci_devres == PCI_DEVRES_PER_RESOURCE) {
		p->pinned = p->pinned_binding = true;
		step_effect(m, "pinned (sticky on the pci_dev)");
		return;
	}
	if (devres_find(m, NODE_PCIM_RELEASE, -1) < 0 || !p->dr_enabled) {
		step_effect(m, "not enabled by pcim_enable_device: WARN_ON");
		finding_raise(m, SEV_WARNING, RULE_API_MISUSE, NO_EVIDENCE,
			      "pcim_pin_device on a device not enabled with pcim_enable_device (WARN_ON in 6.1)");
		return;
	}
	p->dr_pinned = p->pinned_binding = true;
	step_effect(m, "pinned for this binding: pcim_release will not disable it");
}

static void write_intx(Model *m, bool disabled)
{
	m->pci.intx_disabled = disabled;
	step_effect(m, "INTx %s", disabled ? "disabled" : "enabled");
}

/* pcim_intx(): find or allocate (GFP_KERNEL) the restore node, then write. */
static void pcim_intx(Model *m, bool enable, bool hybrid)
{
	PciState *p = &m->pci;
	int existing = devres_find(m, NODE_INTX_RESTORE, -1);
	if (existing >= 0 && m->profile->intx_restore_latest && m->nodes[existing].intx_disabled != (bool)enable) {
		m->nodes[existing].intx_disabled = enable;
		step_effect(m, "pcim_intx_restore now restores INTx %s (orig_intx = !enable)", enable ? "disabled" : "enabled");
	}
	if (existing < 0) {
		context_sleeping_alloc(m, hybrid ? "pci_intx -> pcim_intx: devres_alloc(GFP_KERNEL)"
				       : "pcim_intx: devres_alloc(GFP_KERNEL)", hybrid ? RULE_INTX_ATOMIC : RULE_SLEEP_IN_ATOMIC,
				       hybrid ? p->managed_by : NULL);
		Node *n = devres_add(m, NODE_INTX_RESTORE, -1);
		n->intx_disabled = m->profile->intx_restore_latest ? enable : p->intx_disabled;
		step_effect(m, "devres +#%d pcim_intx_restore (will restore INTx %s)", n->id,
			    p->intx_disabled ? "disabled" : "enabled");
		if (hybrid && m->phase == PHASE_REMOVE)
			finding_raise(m, SEV_WARNING, RULE_INTX_HYBRID, EVIDENCE(p->managed_by),
				      "pci_intx() in remove() on a managed device allocates a devres entry during"
				      " detach (6.11 hybrid): at unbind it restores INTx %s, undoing remove()",
				      p->intx_disabled ? "disabled" : "enabled");
	}
	if (p->intx_disabled != !enable)
		write_intx(m, !enable);
	else
		step_effect(m, "INTx already %s", enable ? "enabled" : "disabled");
}

/* pci_intx(dev, enable) as the profile has it; from_msi: pci_intx_for_msi. */
void intx_set(Model *m, bool enable, bool from_msi)
{
	PciState *p = &m->pci;
	if (p->intx_disabled == !enable) {
		if (!from_msi)
			step_effect(m, "INTx already %s: no change", enable ? "enabled" : "disabled");
		return;
	}
	switch (m->profile->intx) {
	case INTX_RECORD:
		write_intx(m, !enable);
		if (p->is_managed && devres_find(m, NODE_PCIM_RELEASE, -1) >= 0 && !p->dr_restore_intx) {
			p->dr_restore_intx = true;
			p->dr_orig_intx = !enable;
			step_effect(m, "pcim_release will restore INTx %s", enable ? "disabled" : "enabled");
		}
		return;
	case INTX_HYBRID_ALLOC:
		if (p->is_managed) {
			pcim_intx(m, enable, true);
			return;
		}
		write_intx(m, !enable);
		return;
	case INTX_UNMANAGED:
		write_intx(m, !enable);
		return;
	}
}

void intx_call(Model *m, const SpecEntry *e, const char *enable)
{
	bool on = !(enable && (!strcmp(enable, "0") || !strcmp(enable, "false")));
	if (e->flags & SPEC_MANAGED) {
		pcim_intx(m, on, false);
		return;
	}
	if (m->pci.is_managed) {
		m->pci.intx_by_driver = true;
		set_step(&m->pci.intx_by, m->cur);
	}
	intx_set(m, on, false);
}

void pci_release_node(Model *m, const Node *n)
{
	PciState *p = &m->pci;
	switch (n->kind) {
	case NODE_PCIM_RELEASE:
		if (p->dr_restore_intx && p->intx_disabled != !p->dr_orig_intx)
			write_intx(m, !p->dr_orig_intx);
		else if (p->dr_restore_intx)
			step_effect(m, "INTx already as it was");
		if (p->dr_enabled && !p->dr_pinned)
			pci_disable_device_now(m, "pcim_release");
		else
			step_effect(m, p->dr_pinned ? "pinned: stays enabled" : "not enabled by pcim: no disable");
		p->dr_enabled = p->dr_pinned = p->dr_restore_intx = false;
		return;
	case NODE_PCIM_DISABLE:
		if (p->pinned)
			step_effect(m, "pinned: stays enabled");
		else
			pci_disable_device_now(m, "pcim_disable_device");
		p->is_managed = false;
		step_effect(m, "not managed");
		return;
	case NODE_INTX_RESTORE:
		if (p->intx_disabled != n->intx_disabled)
			write_intx(m, n->intx_disabled);
		else
			step_effect(m, "INTx already as it was");
		return;
	default:
		return;
	}
}
