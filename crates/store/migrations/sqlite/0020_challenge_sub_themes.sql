-- Migration 21: challenge themes are two levels (theme, sub-theme), the
-- council's list `challenge_themes` (issue 16). A challenge's first theme
-- (seq 0) may carry a sub-theme under it: the key of a sub-theme of that
-- theme. Themes held before keep their rows as they were (a theme's name
-- still finds its entry, by the key the name makes), so no row is
-- rewritten. (0020 is another change's number.)

ALTER TABLE challenge_themes ADD COLUMN sub_theme TEXT;
