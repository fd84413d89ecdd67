extension Migration {
    /// Every committed change to a card, from any writer (the API, an import, a cascade
    /// from a deleted user, a hand-run SQL fix), is announced on `cards_changed` as
    /// `<card id> <owner id>` (`*` after a TRUNCATE: everything changed). cards-api
    /// instances LISTEN there to drop what they cached.
    /// Postgres delivers a notification only when its transaction commits, so a listener
    /// never hears of a change it cannot yet read.
    static let v004CardChangeNotifications = Migration(version: 4, name: "card-change-notifications", sql: #"""
        CREATE FUNCTION cards_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            changed cards;
        BEGIN
            IF TG_OP = 'DELETE' THEN changed := OLD; ELSE changed := NEW; END IF;
            PERFORM pg_notify('cards_changed', changed.id::text || ' ' || changed.owner_id::text);
            RETURN NULL;
        END;
        $$;

        CREATE TRIGGER cards_notify_change AFTER INSERT OR UPDATE OR DELETE ON cards
            FOR EACH ROW EXECUTE FUNCTION cards_notify_change();

        CREATE FUNCTION cards_notify_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('cards_changed', '*');
            RETURN NULL;
        END;
        $$;

        CREATE TRIGGER cards_notify_truncate AFTER TRUNCATE ON cards
            FOR EACH STATEMENT EXECUTE FUNCTION cards_notify_truncate();
        """#)
}
