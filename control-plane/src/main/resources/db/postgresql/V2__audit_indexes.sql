-- PostgreSQL only (cluster mode): audit queries filter by time, principal and system over a large log.
CREATE INDEX audit_event_at ON audit_event (at_us);
CREATE INDEX audit_event_principal ON audit_event (principal, seq);
CREATE INDEX audit_event_system ON audit_event (system_name, seq);
