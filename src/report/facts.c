/*
 * facts.c — print what extraction found in one file.
 *
 * `teardown facts FILE` exists for tests and triage: when a finding looks
 * wrong, the first question is whether the facts were.  The text form is
 * compact and stable (golden tests compare it line by line); the JSON form
 * has the same content for scripts.
 *
 *   file NAME: ERROR-BYTES bytes in parse errors
 *   func NAME [static] (PARAMS) START-END
 *     call LINE:COL CALLEE(ARGS)
 *   call LINE:COL CALLEE(ARGS)          calls at file scope
 *   driver BUS VAR [static] LINE:COL
 *     FIELD = VALUE [-> IDENT] LINE:COL
 *   register VAR by HOW LINE:COL
 *
 * With --cfg each function is followed by its control-flow graph, a node a
 * line: index (relative to the function), kind, position, the expression it
 * evaluates (a branch: its condition atom; a loop of an iterator macro: the
 * collection and the cursor), and its successors (a branch: true | false;
 * a loop: body | exit).
 */
#include <string.h>

#include "report/report.h"

static void print_call(FILE *f, const Call *c, const char *indent)
{
	fprintf(f, "%scall %u:%u ", indent, c->pos.line, c->pos.col);
	if (c->lhs)
		fprintf(f, "%s = ", c->lhs);
	fprintf(f, "%s(", c->callee);
	for (uint32_t i = 0; i < c->nargs; i++)
		fprintf(f, "%s%s", i ? ", " : "", c->args[i]);
	fputs(")\n", f);
}

/* An expression as C, fully parenthesised where it nests, so a graph
 * shows exactly what the engine evaluates. */
static void print_expr(FILE *f, const FileFacts *ff, int32_t e, int depth)
{
	static const char *const op[] = {
		[OP_ADD] = "+", [OP_SUB] = "-", [OP_MUL] = "*", [OP_DIV] = "/", [OP_MOD] = "%",
		[OP_SHL] = "<<", [OP_SHR] = ">>", [OP_AND] = "&", [OP_OR] = "|", [OP_XOR] = "^",
		[OP_LAND] = "&&", [OP_LOR] = "||", [OP_EQ] = "==", [OP_NE] = "!=", [OP_LT] = "<",
		[OP_LE] = "<=", [OP_GT] = ">", [OP_GE] = ">=", [OP_NOT] = "!", [OP_NEG] = "-",
		[OP_BITNOT] = "~", [OP_PREINC] = "++", [OP_PREDEC] = "--", [OP_POSTINC] = "++",
		[OP_POSTDEC] = "--",
	};
	if (e < 0 || depth > 32) {
		fputs("?", f);
		return;
	}
	const Expr *x = &ff->exprs[e];
	switch ((ExprKind)x->kind) {
	case EX_UNKNOWN: fputs("?", f); break;
	case EX_NUM: fprintf(f, "%lld", (long long)x->num); break;
	case EX_STR: case EX_NAME: fputs(x->text, f); break;
	case EX_MEMBER:
		print_expr(f, ff, x->a, depth + 1);
		fprintf(f, "%s%s", x->arrow ? "->" : ".", x->text);
		break;
	case EX_INDEX:
		print_expr(f, ff, x->a, depth + 1);
		fputc('[', f);
		print_expr(f, ff, x->b, depth + 1);
		fputc(']', f);
		break;
	case EX_CALL: {
		const Call *c = &ff->calls[x->call];
		print_expr(f, ff, x->a, depth + 1);
		fputc('(', f);
		for (uint32_t i = 0; c->argx && i < c->nargs; i++) {
			if (i)
				fputs(", ", f);
			print_expr(f, ff, c->argx[i], depth + 1);
		}
		fputc(')', f);
		break;
	}
	case EX_UNARY: case EX_ADDR: case EX_DEREF:
		fputs(x->kind == EX_ADDR ? "&" : x->kind == EX_DEREF ? "*" : op[x->op], f);
		print_expr(f, ff, x->a, depth + 1);
		break;
	case EX_INCDEC:
		if (x->op == OP_PREINC || x->op == OP_PREDEC)
			fputs(op[x->op], f);
		print_expr(f, ff, x->a, depth + 1);
		if (x->op == OP_POSTINC || x->op == OP_POSTDEC)
			fputs(op[x->op], f);
		break;
	case EX_BINARY: case EX_ASSIGN:
		fputc('(', f);
		print_expr(f, ff, x->a, depth + 1);
		if (x->kind == EX_ASSIGN)
			fprintf(f, " %s= ", x->op ? op[x->op] : "");
		else
			fprintf(f, " %s ", op[x->op]);
		print_expr(f, ff, x->b, depth + 1);
		fputc(')', f);
		break;
	case EX_COND:
		fputc('(', f);
		print_expr(f, ff, x->a, depth + 1);
		fputs(" ? ", f);
		print_expr(f, ff, x->b, depth + 1);
		fputs(" : ", f);
		print_expr(f, ff, x->c, depth + 1);
		fputc(')', f);
		break;
	case EX_COMMA:
		fputc('(', f);
		print_expr(f, ff, x->a, depth + 1);
		fputs(", ", f);
		print_expr(f, ff, x->b, depth + 1);
		fputc(')', f);
		break;
	}
}

static void print_cfg(FILE *f, const FileFacts *ff, const Func *fn)
{
	static const char *const kind[] = { "entry", "stmt", "branch", "return", "loop" };
	if (fn->cfg_partial)
		fputs("  cfg partial (too deep or too large)\n", f);
	for (uint32_t i = 0; i < fn->cfg_count; i++) {
		const CfgNode *n = &ff->cfg[fn->cfg_first + i];
		fprintf(f, "  %u %s %u:%u", i, kind[n->kind], n->pos.line, n->pos.col);
		if (n->kind == CFG_LOOP && n->iterator) {
			fputs(" over ", f);
			print_expr(f, ff, n->expr2, 0);
			fputs(" as ", f);
			print_expr(f, ff, n->expr, 0);
		} else if (n->expr >= 0) {
			fputc(' ', f);
			print_expr(f, ff, n->expr, 0);
		}
		if (n->next >= 0)
			fprintf(f, " -> %d", n->next - (int32_t)fn->cfg_first);
		if (n->other >= 0)
			fprintf(f, " | %d", n->other - (int32_t)fn->cfg_first);
		fputc('\n', f);
	}
}

void facts_print(FILE *f, const FileFacts *ff, bool cfg)
{
	fprintf(f, "file %s: %zu bytes in parse errors\n", ff->rel, ff->error_bytes);
	for (uint32_t i = 0; i < ff->nfuncs; i++) {
		const Func *fn = &ff->funcs[i];
		fprintf(f, "func %s%s (", fn->name, fn->is_static ? " static" : "");
		for (uint32_t p = 0; p < fn->nparams; p++)
			fprintf(f, "%s%s", p ? ", " : "", fn->params[p]);
		fprintf(f, ") %u:%u-%u:%u\n", fn->start.line, fn->start.col, fn->end.line, fn->end.col);
		for (uint32_t c = fn->first_call; c < fn->first_call + fn->ncalls; c++)
			print_call(f, &ff->calls[c], "  ");
		if (cfg)
			print_cfg(f, ff, fn);
	}
	for (uint32_t c = 0; c < ff->ncalls; c++)
		if (ff->calls[c].func < 0)
			print_call(f, &ff->calls[c], "");
	for (uint32_t i = 0; i < ff->ndefs; i++) {
		const DriverDef *d = &ff->defs[i];
		fprintf(f, "driver %s %s%s %u:%u\n", d->bus->name, d->var, d->is_static ? " static" : "",
			d->pos.line, d->pos.col);
		for (uint32_t k = 0; k < d->nfields; k++) {
			const DriverField *df = &d->fields[k];
			fprintf(f, "  %s = %s", df->field, df->value);
			if (df->ident && strcmp(df->ident, df->value))
				fprintf(f, " -> %s", df->ident);
			fprintf(f, " %u:%u\n", df->pos.line, df->pos.col);
		}
	}
	for (uint32_t i = 0; i < ff->nregs; i++)
		fprintf(f, "register %s by %s %u:%u\n", ff->regs[i].var, ff->regs[i].how,
			ff->regs[i].pos.line, ff->regs[i].pos.col);
}

static json_t *call_json(const FileFacts *ff, const Call *c)
{
	json_t *args = json_array();
	for (uint32_t i = 0; i < c->nargs; i++)
		json_array_append_new(args, json_str(c->args[i]));
	json_t *j = json_object();
	json_object_set_new(j, "callee", json_str(c->callee));
	json_object_set_new(j, "args", args);
	json_object_set_new(j, "line", json_integer(c->pos.line));
	json_object_set_new(j, "column", json_integer(c->pos.col));
	json_object_set_new(j, "function", c->func >= 0 ? json_str(ff->funcs[c->func].name) : json_null());
	return j;
}

json_t *facts_json(const FileFacts *ff)
{
	json_t *funcs = json_array(), *calls = json_array(), *drivers = json_array(),
	       *regs = json_array();
	for (uint32_t i = 0; i < ff->nfuncs; i++) {
		const Func *fn = &ff->funcs[i];
		json_t *params = json_array();
		for (uint32_t p = 0; p < fn->nparams; p++)
			json_array_append_new(params, json_str(fn->params[p]));
		json_t *j = json_object();
		json_object_set_new(j, "name", json_str(fn->name));
		json_object_set_new(j, "static", json_boolean(fn->is_static));
		json_object_set_new(j, "params", params);
		json_object_set_new(j, "start", pos_json(ff->rel, fn->start));
		json_object_set_new(j, "end", pos_json(ff->rel, fn->end));
		json_object_set_new(j, "body_bytes",
				    json_pack("[I,I]", (json_int_t)fn->body_start, (json_int_t)fn->body_end));
		json_array_append_new(funcs, j);
	}
	for (uint32_t c = 0; c < ff->ncalls; c++)
		json_array_append_new(calls, call_json(ff, &ff->calls[c]));
	for (uint32_t i = 0; i < ff->ndefs; i++) {
		const DriverDef *d = &ff->defs[i];
		json_t *fields = json_array();
		for (uint32_t k = 0; k < d->nfields; k++) {
			json_t *fj = json_object();
			json_object_set_new(fj, "field", json_str(d->fields[k].field));
			json_object_set_new(fj, "value", json_str(d->fields[k].value));
			json_object_set_new(fj, "names", d->fields[k].ident ? json_str(d->fields[k].ident) : json_null());
			json_object_set_new(fj, "line", json_integer(d->fields[k].pos.line));
			json_array_append_new(fields, fj);
		}
		json_t *j = json_object();
		json_object_set_new(j, "bus", json_str(d->bus->name));
		json_object_set_new(j, "var", json_str(d->var));
		json_object_set_new(j, "static", json_boolean(d->is_static));
		json_object_set_new(j, "line", json_integer(d->pos.line));
		json_object_set_new(j, "fields", fields);
		json_array_append_new(drivers, j);
	}
	for (uint32_t i = 0; i < ff->nregs; i++) {
		json_t *j = json_object();
		json_object_set_new(j, "var", json_str(ff->regs[i].var));
		json_object_set_new(j, "by", json_str(ff->regs[i].how));
		json_object_set_new(j, "line", json_integer(ff->regs[i].pos.line));
		json_array_append_new(regs, j);
	}
	json_t *j = json_object();
	json_object_set_new(j, "file", json_str(ff->rel));
	json_object_set_new(j, "bytes", json_integer((json_int_t)ff->bytes));
	json_object_set_new(j, "error_bytes", json_integer((json_int_t)ff->error_bytes));
	json_object_set_new(j, "functions", funcs);
	json_object_set_new(j, "calls", calls);
	json_object_set_new(j, "drivers", drivers);
	json_object_set_new(j, "registrations", regs);
	return j;
}
