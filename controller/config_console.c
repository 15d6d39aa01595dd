/*
 * config_console.c - logins for the operator's and the artist's console:
 * password hashes, inline or in a secrets file, and how long a login lasts.
 * See docs/config.md, "console".
 *
 * Thread: whichever thread loads the config.
 */
#include "config_sections.h"

#include <string.h>

/* The hashes a secrets file may hold; they win over the config's own. */
struct console_secrets {
	char operator_hash[CONFIG_HASH_MAX];
	char artist_hash[CONFIG_HASH_MAX];
};

/* A password hash; only hashes, never a password, are accepted. */
static enum reader_got hash_read(struct config_reader *r, struct reader_object *o,
				 const struct reader_key *k)
{
	char kptr[READER_PTR_MAX];
	char *out = reader_field(o, k);
	enum reader_got got = reader_key_read(r, o, k);

	if (got != GOT_OK)
		return got;
	if (strncmp(out, "$argon2id$", 10) != 0 && strncmp(out, "$argon2i$", 9) != 0) {
		reader_key_ptr(o, k, kptr);
		reader_fail(r, kptr, "expected a password hash from `tutti hash-password` ($argon2id$...), "
			    "never a password");
		out[0] = '\0';
		return GOT_BAD;
	}
	return GOT_OK;
}

static const struct reader_key secrets_keys[] = {
	KEY_TEXT("operator", false, struct console_secrets, operator_hash, 1, NULL, hash_read,
		 "The operator's password hash."),
	KEY_TEXT("artist", false, struct console_secrets, artist_hash, 1, NULL, hash_read,
		 "The artist's password hash."),
};
const struct reader_section config_secrets_section =
	READER_SECTION("/console/secrets_file", secrets_keys, NULL);

/* The hashes may live in a file of their own, kept out of the show's repository. */
static enum reader_got secrets_file_read(struct config_reader *r, struct reader_object *o,
					 const struct reader_key *k)
{
	struct config_console *c = o->base;
	struct console_secrets file = { "", "" };
	struct reader_object so;
	char kptr[READER_PTR_MAX], path[CONFIG_PATH_MAX];
	json_t *v = reader_value(r, o->json, o->ptr, k->name, false, JSON_STRING, kptr), *s;
	json_error_t jerr;

	if (!v)
		return reader_missing(o->json, k->name);
	if (reader_file_check(r, json_string_value(v), kptr, path, sizeof(path)) != GOT_OK)
		return GOT_BAD;
	s = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(s)) {
		reader_fail(r, kptr, "%s:%d:%d: %s", path, jerr.line, jerr.column,
			    s ? "expected an object {\"operator\": HASH, \"artist\": HASH}" : jerr.text);
		json_decref(s);
		return GOT_BAD;
	}
	reader_defaults_apply(&config_secrets_section, &file);
	reader_section_read(r, &so, s, kptr, &config_secrets_section, &file, true);
	if (file.operator_hash[0])
		memcpy(c->operator_hash, file.operator_hash, sizeof(file.operator_hash));
	if (file.artist_hash[0])
		memcpy(c->artist_hash, file.artist_hash, sizeof(file.artist_hash));
	json_decref(s);
	return GOT_OK;
}

static void console_finish(struct config_reader *r, struct reader_object *o)
{
	struct config_console *c = o->base;
	char kptr[READER_PTR_MAX];

	c->enabled = true;
	if (!c->operator_hash[0] && !json_object_get(o->json, "operator_password_hash")) {
		reader_ptr_key(kptr, o->ptr, "operator_password_hash");
		reader_fail(r, kptr, "the console needs the operator's password hash (here or in secrets_file)");
	}
}

static const struct reader_key console_keys[] = {
	KEY_TEXT("operator_password_hash", false, struct config_console, operator_hash, 1, NULL,
		 hash_read, "The operator's login; required here or in secrets_file."),
	KEY_TEXT("artist_password_hash", false, struct config_console, artist_hash, 1, NULL,
		 hash_read, "The artist's login; without it there is no artist role."),
	KEY_CUSTOM("secrets_file", false, secrets_file_read,
		   "A JSON file {\"operator\": HASH, \"artist\": HASH}; its hashes win."),
	KEY_NUMBER("session_ttl_s", false, struct config_console, session_ttl_s, 60, 86400,
		   8 * 3600, NULL, "How long a login lasts."),
};
const struct reader_section config_console_section =
	READER_SECTION("/console", console_keys, console_finish);
