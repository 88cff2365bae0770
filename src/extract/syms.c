/*
 * syms.c — the node kinds of the C grammar, by number.
 *
 * The extractor and the graph builder visit every node of every parsed
 * file; comparing symbol numbers is far cheaper than comparing kind names.
 * The numbers are looked up once by name, before the workers start, and
 * only read afterwards.  walk_subtree is the one traversal every pass uses.
 */
#include <string.h>

#include "extract/extract.h"
#include "extract/syms.h"

const TSLanguage *tree_sitter_c(void);

Syms S;

static TSSymbol sym(const char *name)
{
	return ts_language_symbol_for_name(tree_sitter_c(), name, (uint32_t)strlen(name), true);
}

static TSFieldId field(const char *name)
{
	return ts_language_field_id_for_name(tree_sitter_c(), name, (uint32_t)strlen(name));
}

void extract_init(void)
{
#define SYM(x) S.x = sym(#x)
	SYM(function_definition); SYM(call_expression); SYM(declaration); SYM(init_declarator);
	SYM(initializer_list); SYM(initializer_pair); SYM(field_designator); SYM(field_identifier);
	SYM(identifier); SYM(function_declarator); SYM(storage_class_specifier);
	SYM(struct_specifier); SYM(parameter_declaration); SYM(pointer_expression);
	SYM(parenthesized_expression); SYM(comment); SYM(compound_statement);
	SYM(expression_statement); SYM(if_statement); SYM(else_clause); SYM(switch_statement);
	SYM(case_statement); SYM(while_statement); SYM(for_statement); SYM(do_statement);
	SYM(goto_statement); SYM(labeled_statement); SYM(return_statement); SYM(break_statement);
	SYM(continue_statement); SYM(binary_expression); SYM(unary_expression);
	SYM(assignment_expression); SYM(cast_expression); SYM(number_literal);
	SYM(comma_expression); SYM(field_expression); SYM(subscript_expression);
	SYM(update_expression); SYM(conditional_expression); SYM(string_literal);
	SYM(concatenated_string); SYM(char_literal); SYM(attributed_statement);
	SYM(pointer_declarator); SYM(parenthesized_declarator); SYM(array_declarator);
	S.true_ = sym("true");
	S.false_ = sym("false");
	S.null_ = sym("null");
#undef SYM
#define FIELD(x) S.f_##x = field(#x)
	FIELD(declarator); FIELD(body); FIELD(parameters); FIELD(function); FIELD(arguments);
	FIELD(type); FIELD(value); FIELD(name); FIELD(argument); FIELD(designator);
	FIELD(condition); FIELD(consequence); FIELD(alternative); FIELD(left); FIELD(right);
	FIELD(operator); FIELD(label); FIELD(initializer); FIELD(update);
	FIELD(field); FIELD(index);
#undef FIELD
}

void walk_subtree(TSNode root, NodeVisitor *visit, void *ctx)
{
	TSTreeCursor cur = ts_tree_cursor_new(root);
	for (;;) {
		if (!visit(ts_tree_cursor_current_node(&cur), ctx))
			break;
		if (ts_tree_cursor_goto_first_child(&cur))
			continue;
		while (!ts_tree_cursor_goto_next_sibling(&cur))
			if (!ts_tree_cursor_goto_parent(&cur))
				goto done;
	}
done:
	ts_tree_cursor_delete(&cur);
}
