-- `staff`: the city's digital guides, who answer ideas and submit ideas for citizens at a service desk.
alter table users drop constraint users_role_check;
alter table users add constraint users_role_check check (role in ('moderator', 'staff', 'admin'));
