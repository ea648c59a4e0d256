-- Migration 8: the reviews recorded in Footprint whose decisions or record
-- have not gone out, found by index (the outstanding list reads only those
-- children, not the council).
CREATE INDEX reviews_outstanding ON reviews(child)
    WHERE has_details AND (decisions_issued IS NULL OR record_circulated IS NULL);
