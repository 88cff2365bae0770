/* syms.h — the grammar's node kinds and fields, looked up once (see syms.c). */
#ifndef SYMS_H
#define SYMS_H

#include <stdbool.h>
#include <tree_sitter/api.h>

typedef struct {
	TSSymbol function_definition, call_expression, declaration, init_declarator,
		initializer_list, initializer_pair, field_designator, field_identifier,
		identifier, function_declarator, storage_class_specifier, struct_specifier,
		parameter_declaration, pointer_expression, parenthesized_expression, comment,
		compound_statement, expression_statement, if_statement, else_clause,
		switch_statement, case_statement, while_statement, for_statement, do_statement,
		goto_statement, labeled_statement, return_statement, break_statement,
		continue_statement, binary_expression, unary_expression, assignment_expression,
		cast_expression, number_literal, true_, false_, null_, comma_expression, field_expression,
		subscript_expression, update_expression, conditional_expression, string_literal,
		concatenated_string, char_literal, attributed_statement, pointer_declarator,
		parenthesized_declarator, array_declarator;
	TSFieldId f_declarator, f_body, f_parameters, f_function, f_arguments, f_type, f_value,
		f_name, f_argument, f_designator, f_condition, f_consequence, f_alternative,
		f_left, f_right, f_operator, f_label, f_initializer, f_update, f_field, f_index;
} Syms;

extern Syms S;

/* The kind of ERROR nodes (tree-sitter's ts_builtin_sym_error). */
#define SYM_ERROR ((TSSymbol)-1)

/* Visit every node under ROOT (itself included) in document order, with a
 * tree cursor: no recursion, so depth costs nothing.  VISIT returns false
 * to stop early. */
typedef bool NodeVisitor(TSNode n, void *ctx);
void walk_subtree(TSNode root, NodeVisitor *visit, void *ctx);

#endif
