// SPDX-License-Identifier: GPL-2.0-or-later
// jsoncheck < FILE: exits 0 if standard input is one valid JSON value
// (RFC 8259), else says where it is not. The guest has no python or jq.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *s;
static size_t pos, len;

static void bad(const char *what)
{
	fprintf(stderr, "jsoncheck: %s at offset %zu\n", what, pos);
	exit(1);
}

static void ws(void)
{
	while (pos < len && strchr(" \t\r\n", s[pos]))
		pos++;
}

static int digits(void)
{
	size_t start = pos;
	while (pos < len && s[pos] >= '0' && s[pos] <= '9')
		pos++;
	return pos > start;
}

static void value(int depth);

static void string(void)
{
	pos++;	/* the quote */
	for (;;) {
		if (pos >= len)
			bad("unterminated string");
		unsigned char c = s[pos++];
		if (c == '"')
			return;
		if (c < 0x20)
			bad("control character in a string");
		if (c != '\\')
			continue;
		if (pos >= len)
			bad("unterminated escape");
		c = s[pos++];
		if (c == 'u') {
			for (int i = 0; i < 4; i++, pos++)
				if (pos >= len || !strchr("0123456789abcdefABCDEF", s[pos]) || !s[pos])
					bad("bad \\u escape");
		} else if (!strchr("\"\\/bfnrt", c) || !c) {
			bad("bad escape");
		}
	}
}

static void number(void)
{
	if (s[pos] == '-')
		pos++;
	if (pos < len && s[pos] == '0')
		pos++;
	else if (!digits())
		bad("bad number");
	if (pos < len && s[pos] == '.') {
		pos++;
		if (!digits())
			bad("bad fraction");
	}
	if (pos < len && (s[pos] == 'e' || s[pos] == 'E')) {
		pos++;
		if (pos < len && (s[pos] == '+' || s[pos] == '-'))
			pos++;
		if (!digits())
			bad("bad exponent");
	}
}

static void container(int depth, char close)
{
	pos++;
	ws();
	if (pos < len && s[pos] == close) {
		pos++;
		return;
	}
	for (;;) {
		ws();
		if (close == '}') {
			if (pos >= len || s[pos] != '"')
				bad("expected a member name");
			string();
			ws();
			if (pos >= len || s[pos++] != ':')
				bad("expected ':'");
		}
		value(depth + 1);
		ws();
		if (pos < len && s[pos] == ',') {
			pos++;
			continue;
		}
		if (pos < len && s[pos] == close) {
			pos++;
			return;
		}
		bad(close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
	}
}

static void value(int depth)
{
	if (depth > 100)
		bad("nested too deep");
	ws();
	if (pos >= len)
		bad("expected a value");
	if (s[pos] == '{' || s[pos] == '[')
		container(depth, s[pos] == '{' ? '}' : ']');
	else if (s[pos] == '"')
		string();
	else if (s[pos] == '-' || (s[pos] >= '0' && s[pos] <= '9'))
		number();
	else if (!strncmp(s + pos, "true", 4) || !strncmp(s + pos, "null", 4))
		pos += 4;
	else if (!strncmp(s + pos, "false", 5))
		pos += 5;
	else
		bad("expected a value");
}

int main(void)
{
	size_t cap = 1 << 16;
	s = malloc(cap);
	for (size_t n; s && (n = fread(s + len, 1, cap - len, stdin)) > 0;)
		if ((len += n) == cap)
			s = realloc(s, cap *= 2);
	if (!s)
		return 2;
	value(0);
	ws();
	if (pos != len)
		bad("data after the value");
	return 0;
}
