// A trip's coolant note as parameters (the rule's figures and the outside temperature) that the
// command centre puts into its own words (code `coolant_rule`); `coolant_note` keeps the English
// sentence for the printed sheet and the CLI. Older trips have no parameters (null): the screen
// shows no note for them rather than English text.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE trips ADD COLUMN coolant_note_params jsonb`.execute(db);
}
