alter table ideas drop constraint ideas_status_check;
alter table ideas add constraint ideas_status_check
    check (status in ('submitted', 'in_review', 'published', 'rejected', 'hidden'));
