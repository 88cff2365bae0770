/*
 * bus.c: binding phases and each bus's probe, unwind and remove sequence.
 *
 * The driver core is the same for every bus (drivers/base/dd.c): probe
 * needs an empty devres list; on probe failure the bus unwinds its own
 * work and then devres_release_all() runs; on unbind bus->remove runs
 * (which calls the driver's remove) and devres_release_all() comes after
 * it.  What differs is what the bus does around the driver, as tables:
 *
 *  pci       probe: nothing devres-related.  remove: drv->remove, then
 *            pcibios_free_irq, driver = NULL, runtime PM put; then devres.
 *  platform  probe: dev_pm_domain_attach.  remove: drv->remove, then
 *  spi       dev_pm_domain_detach; then devres, so devm IRQs are still
 *            requested after the PM domain is gone (bus-devres-order).
 *  i2c       probe: dev_pm_domain_attach, devres_open_group(NULL) left
 *            open.  remove: drv->remove, devres_release_group(that group),
 *            then dev_pm_domain_detach; then devres (nodes older than
 *            the group only).
 *  usb       (interfaces, drivers/usb/core/driver.c) probe:
 *            usb_probe_interface autoresumes the device and marks the
 *            interface runtime-PM active; on failure it clears intfdata
 *            and disables runtime PM.  remove: usb_unbind_interface kills
 *            the interface's URBs (usb_disable_interface, unless the driver
 *            has soft_unbind and the device is still there) before
 *            drv->disconnect, then frees streams, restores altsetting 0,
 *            clears intfdata, disables runtime PM; then devres.  Nothing of
 *            it touches devres or a PM domain: the order is the driver
 *            core's, told as the bus tells it.
 *  generic   any other bus: nothing is assumed about the bus (no PM
 *            domain, no group), only the driver core's order, so no
 *            bus-devres-order finding can come from an unknown bus (a scan
 *            names such buses in its summary).
 *
 * From v6.17 (pm_detach_in_cleanup) the driver core's
 * device_unbind_cleanup() detaches the PM domain itself, after
 * devres_release_all(), and platform and SPI no longer detach it; I2C
 * still releases its group in i2c_device_remove, then devres, then the
 * detach.  PCI and USB never detached a PM domain: their order stays.
 * The proposed profile releases the driver's devres before the bus tears
 * down its own state.  The probe-failure sequences are the same steps in
 * the bus's error-path order (docs/semantics.md, 3).
 */
#include <string.h>

#include "model/internal.h"

#define I2C_GROUP "client->devres_group_id"

static const BusStep pci_unbind[] = {
	{ BS_TEXT, "pci_device_remove: pcibios_free_irq, pci_dev->driver = NULL, pm_runtime_put_sync" },
	{ BS_RELEASE_ALL, NULL }, { BS_BINDING_END, NULL }, { BS_END, NULL } };
static const BusStep pci_unbind_proposed[] = {
	{ BS_RELEASE_ALL, NULL },
	{ BS_TEXT, "pci_device_remove: pcibios_free_irq, pci_dev->driver = NULL, pm_runtime_put_sync" },
	{ BS_BINDING_END, NULL }, { BS_END, NULL } };
static const BusStep pci_unwind[] = {
	{ BS_TEXT, "pci_device_probe failed: pm_runtime_put_sync, pci_dev->driver = NULL, pcibios_free_irq" },
	{ BS_RELEASE_ALL, NULL }, { BS_BINDING_END, NULL }, { BS_END, NULL } };
static const BusStep pci_unwind_proposed[] = {
	{ BS_RELEASE_ALL, NULL },
	{ BS_TEXT, "pci_device_probe failed: pm_runtime_put_sync, pci_dev->driver = NULL, pcibios_free_irq" },
	{ BS_BINDING_END, NULL }, { BS_END, NULL } };
static const BusStep platform_unbind[] = {
	{ BS_PM_DETACH, "platform_remove" }, { BS_RELEASE_ALL, NULL }, { BS_BINDING_END, NULL }, { BS_END, NULL } };
static const BusStep platform_unwind[] = {
	{ BS_PM_DETACH, "platform_probe failed" }, { BS_RELEASE_ALL, NULL }, { BS_BINDING_END, NULL }, { BS_END, NULL } };
static const BusStep platform_unbind_proposed[] = {
	{ BS_RELEASE_ALL, NULL }, { BS_PM_DETACH, "platform_remove" }, { BS_BINDING_END, NULL }, { BS_END, NULL } };
static const BusStep platform_unwind_proposed[] = {
	{ BS_RELEASE_ALL, NULL }, { BS_PM_DETACH, "platform_probe failed" }, { BS_BINDING_END, NULL }, { BS_END, NULL } };
static const BusStep spi_unbind[] = {
	{ BS_PM_DETACH, "spi_remove" }, { BS_RELEASE_ALL, NULL }, { BS_BINDING_END, NULL }, { BS_END, NULL } };
static const BusStep spi_unwind[] = {
	{ BS_PM_DETACH, "spi_probe failed" }, { BS_RELEASE_ALL, NULL }, { BS_BINDING_END, NULL }, { BS_END, NULL } };
static const BusStep spi_unbind_proposed[] = {
	{ BS_RELEASE_ALL, NULL }, { BS_PM_DETACH, "spi_remove" }, { BS_BINDING_END, NULL }, { BS_END, NULL } };
static const BusStep spi_unwind_proposed[] = {
	{ BS_RELEASE_ALL, NULL }, { BS_PM_DETACH, "spi_probe failed" }, { BS_BINDING_END, NULL }, { BS_END, NULL } };
static const BusStep i2c_unbind[] = {
	{ BS_RELEASE_BUS_GROUP, "i2c_device_remove" }, { BS_PM_DETACH, "i2c_device_remove" },
	{ BS_RELEASE_ALL, NULL }, { BS_BINDING_END, NULL }, { BS_END, NULL } };
static const BusStep i2c_unwind[] = {
	{ BS_RELEASE_BUS_GROUP, "i2c_device_probe failed" }, { BS_PM_DETACH, "i2c_device_probe failed" },
	{ BS_RELEASE_ALL, NULL }, { BS_BINDING_END, NULL }, { BS_END, NULL } };
static const BusStep cleanup_unbind[] = {
	{ BS_RELEASE_ALL, NULL }, { BS_PM_DETACH, "device_unbind_cleanup" }, { BS_BINDING_END, NULL }, { BS_END, NULL } };
static const BusStep i2c_cleanup_unbind[] = {
	{ BS_RELEASE_BUS_GROUP, "i2c_device_remove" }, { BS_RELEASE_ALL, NULL },
	{ BS_PM_DETACH, "device_unbind_cleanup" }, { BS_BINDING_END, NULL }, { BS_END, NULL } };
static const BusStep i2c_cleanup_unwind[] = {
	{ BS_RELEASE_BUS_GROUP, "i2c_device_probe failed" }, { BS_RELEASE_ALL, NULL },
	{ BS_PM_DETACH, "device_unbind_cleanup" }, { BS_BINDING_END, NULL }, { BS_END, NULL } };
static const BusStep usb_unbind[] = {
	{ BS_TEXT, "usb_unbind_interface after disconnect: streams freed, altsetting 0, intfdata cleared,"
		   " runtime PM disabled" },
	{ BS_RELEASE_ALL, NULL }, { BS_BINDING_END, NULL }, { BS_END, NULL } };
static const BusStep usb_unbind_proposed[] = {
	{ BS_RELEASE_ALL, NULL },
	{ BS_TEXT, "usb_unbind_interface after disconnect: streams freed, altsetting 0, intfdata cleared,"
		   " runtime PM disabled" },
	{ BS_BINDING_END, NULL }, { BS_END, NULL } };
static const BusStep usb_unwind[] = {
	{ BS_TEXT, "usb_probe_interface failed: intfdata cleared, runtime PM disabled, autosuspend" },
	{ BS_RELEASE_ALL, NULL }, { BS_BINDING_END, NULL }, { BS_END, NULL } };
static const BusStep usb_unwind_proposed[] = {
	{ BS_RELEASE_ALL, NULL },
	{ BS_TEXT, "usb_probe_interface failed: intfdata cleared, runtime PM disabled, autosuspend" },
	{ BS_BINDING_END, NULL }, { BS_END, NULL } };
static const BusStep generic_end[] = {
	{ BS_RELEASE_ALL, NULL }, { BS_BINDING_END, NULL }, { BS_END, NULL } };
static const BusStep device_del[] = {
	{ BS_TEXT, "device_del: no driver bound" }, { BS_RELEASE_ALL, NULL }, { BS_END, NULL } };

/* The orders of a profile: the bus's own teardown before devres (to
 * v6.16), the PM domain detached by the driver core after devres (v6.17
 * on), or all of the bus after devres (proposed). */
enum { ORDER_BUS_FIRST, ORDER_CLEANUP_DETACH, ORDER_DEVRES_FIRST, ORDER_COUNT };

/* [bus][probe_failed][order] */
static const BusStep *const scripts[BUS_COUNT][2][ORDER_COUNT] = {
	[BUS_GENERIC] = { { generic_end, generic_end, generic_end }, { generic_end, generic_end, generic_end } },
	[BUS_PCI] = { { pci_unbind, pci_unbind, pci_unbind_proposed },
		      { pci_unwind, pci_unwind, pci_unwind_proposed } },
	[BUS_PLATFORM] = { { platform_unbind, cleanup_unbind, platform_unbind_proposed },
			   { platform_unwind, cleanup_unbind, platform_unwind_proposed } },
	[BUS_SPI] = { { spi_unbind, cleanup_unbind, spi_unbind_proposed },
		      { spi_unwind, cleanup_unbind, spi_unwind_proposed } },
	[BUS_I2C] = { { i2c_unbind, i2c_cleanup_unbind, i2c_cleanup_unbind },
		      { i2c_unwind, i2c_cleanup_unwind, i2c_cleanup_unwind } },
	[BUS_USB] = { { usb_unbind, usb_unbind, usb_unbind_proposed },
		      { usb_unwind, usb_unwind, usb_unwind_proposed } },
};

static const char *const probe_text[BUS_COUNT] = {
	[BUS_GENERIC] = "driver core: really_probe",
	[BUS_PCI] = "pci_device_probe",
	[BUS_PLATFORM] = "platform_probe: dev_pm_domain_attach",
	[BUS_SPI] = "spi_probe: dev_pm_domain_attach",
	[BUS_I2C] = "i2c_device_probe: dev_pm_domain_attach",
	[BUS_USB] = "usb_probe_interface: autoresume, runtime PM active",
};

static const char *const bus_names[BUS_COUNT] = {
	[BUS_GENERIC] = "generic", [BUS_PCI] = "pci", [BUS_PLATFORM] = "platform",
	[BUS_SPI] = "spi", [BUS_I2C] = "i2c", [BUS_USB] = "usb",
};

int model_bus_by_name(const char *name)
{
	for (int i = 0; i < BUS_COUNT; i++)
		if (!strcmp(bus_names[i], name))
			return i;
	return -1;
}

const char *model_bus_name(ModelBus bus)
{
	return bus < BUS_COUNT ? bus_names[bus] : "?";
}

const BusStep *bus_script(const Model *m, bool probe_failed)
{
	const Profile *p = m->profile;
	int order = p->devres_before_bus ? ORDER_DEVRES_FIRST
		    : p->pm_detach_in_cleanup ? ORDER_CLEANUP_DETACH : ORDER_BUS_FIRST;
	return scripts[m->bus][probe_failed][order];
}

static void begin_binding(Model *m)
{
	PciState *p = &m->pci;
	m->binding++;
	m->phase = PHASE_PROBE;
	p->intx_at_bind = p->intx_disabled;
	p->intx_by_driver = p->freed_explicitly = p->pinned_binding = false;
	if (!p->is_managed) {
		/* 6.1 keeps is_managed across bindings, and with it the evidence of why. */
		step_unref(p->managed_by);
		p->managed_by = NULL;
	}
	step_unref(p->freed_by), step_unref(p->intx_by), step_unref(p->disabled_by);
	p->freed_by = p->intx_by = p->disabled_by = NULL;
}

void model_probe(Model *m, const ModelOrigin *origin)
{
	model_changed(m);
	step_begin(m, origin, "probe (%s bus)", model_bus_name(m->bus));
	if (m->phase != PHASE_UNBOUND) {
		step_effect(m, "a driver is already bound: ignored");
		step_end(m);
		return;
	}
	if (m->nnodes) {
		step_effect(m, "devres list not empty: -EBUSY, the driver is not bound");
		finding_raise(m, SEV_WARNING, RULE_DEVRES_AFTER_UNBIND, EVIDENCE(m->nodes[0].step),
			      "resources present before probing (%d devres node%s): really_probe() fails with -EBUSY",
			      m->nnodes, m->nnodes == 1 ? "" : "s");
		step_end(m);
		return;
	}
	begin_binding(m);
	step_effect(m, "%s", probe_text[m->bus]);
	if (m->bus == BUS_I2C) {
		Group *g = PUSH(m, groups);
		g->id = intern(m->pool, I2C_GROUP);
		g->closed_once = false;
		Node *n = devres_add(m, NODE_GROUP_OPEN, m->ngroups - 1);
		step_effect(m, "devres +#%d group %s opened by the bus, left open", n->id, g->id);
	}
	step_end(m);
}

void model_probe_fails(Model *m, const ModelOrigin *origin)
{
	model_changed(m);
	step_begin(m, origin, "probe fails");
	if (m->phase != PHASE_PROBE) {
		step_effect(m, "no probe running: ignored");
		step_end(m);
		return;
	}
	m->phase = PHASE_TEARDOWN;
	step_effect(m, "the driver's remove is not called; the bus unwinds, then devres is released");
	step_end(m);
	job_push_script(m, bus_script(m, true), origin);
}

void model_remove(Model *m, const ModelOrigin *origin)
{
	model_changed(m);
	step_begin(m, origin, "remove");
	if (m->phase != PHASE_PROBE) {
		step_effect(m, "no driver bound: ignored");
		step_end(m);
		return;
	}
	m->phase = PHASE_REMOVE;
	step_effect(m, "the driver's remove() runs");
	step_end(m);
}

void model_unbind(Model *m, const ModelOrigin *origin)
{
	model_changed(m);
	step_begin(m, origin, "unbind");
	if (m->phase == PHASE_UNBOUND) {
		step_effect(m, "no driver bound: device_del releases the device's devres");
		step_end(m);
		job_push_script(m, device_del, origin);
		return;
	}
	if (m->phase == PHASE_TEARDOWN) {
		step_effect(m, "already tearing down: ignored");
		step_end(m);
		return;
	}
	m->phase = PHASE_TEARDOWN;
	step_effect(m, m->profile->devres_before_bus ? "remove() returned; devres is released before the bus"
			" tears down its state" : "remove() returned; the bus's remove sequence, then devres");
	step_end(m);
	job_push_script(m, bus_script(m, false), origin);
}

/* dev_pm_domain_detach with devm IRQs still requested: their handlers may run on a powered-off device. */
static void pm_detach(Model *m, const char *who)
{
	step_effect(m, "dev_pm_domain_detach");
	for (int i = 0; i < m->nnodes; i++) {
		const Node *n = &m->nodes[i];
		if (n->kind != NODE_IRQ || m->irqs[n->ref].state != IRQ_LIVE || m->irqs[n->ref].disabled)
			continue;
		const Irq *q = &m->irqs[n->ref];
		finding_raise(m, SEV_WARNING, RULE_BUS_DEVRES_ORDER, EVIDENCE(q->requested),
			      "%s detaches the PM domain while devm IRQ %s (dev_id %s) is still requested:"
			      " devres frees it only afterwards, so its handler can run on a powered-down device",
			      who, q->irq, q->dev_id ? q->dev_id : "NULL");
	}
}

static void release_bus_group(Model *m, const ModelOrigin *origin)
{
	const char *id = intern(m->pool, I2C_GROUP);
	int open = devres_find_group(m, id);
	if (open < 0) {
		if (!m->nnodes) {
			step_effect(m, "devres_release_group(%s): not found, list empty: silent", id);
			return;
		}
		step_effect(m, "devres_release_group(%s): not found: WARN", id);
		finding_raise(m, SEV_WARNING, RULE_DEVRES_GROUP_MISUSE, NO_EVIDENCE,
			      "the bus's devres group is gone (the driver released or removed it): WARN in"
			      " devres_release_group, and the driver's devres is released only after the PM domain detach");
		return;
	}
	int close = -1;
	for (int i = open + 1; i < m->nnodes; i++)
		if (m->nodes[i].kind == NODE_GROUP_CLOSE && m->nodes[i].ref == m->nodes[open].ref)
			close = i;
	step_effect(m, "devres_release_group(%s)", id);
	devres_release_range(m, open, close >= 0 ? close + 1 : m->nnodes, origin);
}

static void leak_checks(Model *m)
{
	for (int i = 0; i < m->nres; i++) {
		const Res *r = &m->res[i];
		if (r->state != RES_LIVE || r->managed || r->binding != m->binding)
			continue;
		if (r->owed) {
			owed_res_leak(m, r, "reached the end of the binding");
		} else {
			finding_raise(m, SEV_WARNING, RULE_RESOURCE_LEAK, EVIDENCE(r->acquired),
				      "%s from %s is never released", r->sym, r->by->name);
		}
	}
	for (int i = 0; i < m->nirqs; i++) {
		const Irq *q = &m->irqs[i];
		if (q->state == IRQ_LIVE && !q->managed && q->binding == m->binding && q->owed)
			owed_irq_leak(m, q, "reached the end of the binding");
		else if (q->state == IRQ_LIVE && !q->managed && q->binding == m->binding)
			finding_raise(m, SEV_WARNING, RULE_RESOURCE_LEAK, EVIDENCE(q->requested),
				      "IRQ %s (dev_id %s) from %s is still requested after the driver is gone",
				      q->irq, q->dev_id ? q->dev_id : "NULL", q->by->name);
	}
	const PciState *p = &m->pci;
	if (p->enable_cnt > 0 && !p->pinned && !p->pinned_binding && m->bus == BUS_PCI)
		finding_raise(m, SEV_WARNING, RULE_RESOURCE_LEAK, NO_EVIDENCE,
			      "the PCI device is left enabled (enable_cnt %d) after unbind", p->enable_cnt);
	/* Reported whatever the bit ends as: the state the device had at bind
	 * is the firmware's, unknown to the driver, and 6.1 restored it. */
	if (p->intx_by_driver && m->profile->intx == INTX_UNMANAGED)
		finding_raise(m, SEV_NOTE, RULE_INTX_HYBRID, EVIDENCE(p->managed_by, p->intx_by),
			      "INTx is left %s after unbind%s: pci_intx() is unmanaged here, while 6.1 restored"
			      " the state from before the driver's first change at detach for a managed device"
			      " (convert to pcim_intx() to keep the restore)",
			      p->intx_disabled ? "disabled" : "enabled",
			      p->intx_disabled == p->intx_at_bind ? " (as it was at bind, if it was)" : "");
}

void bus_run_step(Model *m, const BusStep *s, const ModelOrigin *origin)
{
	switch (s->kind) {
	case BS_TEXT:
		step_begin(m, origin, "bus: %s", s->text);
		step_effect(m, "no devres effect");
		return;
	case BS_PM_DETACH:
		step_begin(m, origin, "bus: %s", s->text);
		pm_detach(m, s->text);
		return;
	case BS_RELEASE_BUS_GROUP:
		step_begin(m, origin, "bus: %s", s->text);
		release_bus_group(m, origin);
		return;
	case BS_RELEASE_ALL:
		step_begin(m, origin, "devres_release_all");
		if (m->nnodes)
			step_effect(m, "%d node%s, released newest first", m->nnodes, m->nnodes == 1 ? "" : "s");
		devres_release_all(m, origin);
		return;
	case BS_RELEASE_ALL_DONE:
		m->releasing_all--;
		if (!m->nnodes)
			return;
		step_begin(m, origin, "devres_release_all done");
		step_effect(m, "%d node%s added during the release survive%s", m->nnodes,
			    m->nnodes == 1 ? "" : "s", m->nnodes == 1 ? "s" : "");
		finding_raise(m, SEV_WARNING, RULE_DEVRES_AFTER_UNBIND, EVIDENCE(m->nodes[0].step),
			      "devres added while devres_release_all() runs stays on the device: the next probe"
			      " fails with -EBUSY (resources present before probing)");
		return;
	case BS_BINDING_END:
		step_begin(m, origin, "binding ends");
		leak_checks(m);
		m->phase = PHASE_UNBOUND;
		step_effect(m, "driver unbound");
		return;
	case BS_END:
		return;
	}
}
