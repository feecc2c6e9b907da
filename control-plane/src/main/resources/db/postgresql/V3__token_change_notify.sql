-- PostgreSQL only (cluster mode): every change to a token is announced on channel keelson_tokens,
-- so each control-plane replica updates its in-memory copy within milliseconds (a revocation made
-- through one replica is refused by the others on their next call, not after the next reload).
CREATE FUNCTION keelson_token_changed() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('keelson_tokens', NEW.id);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER api_token_changed
    AFTER INSERT OR UPDATE ON api_token
    FOR EACH ROW EXECUTE FUNCTION keelson_token_changed();
