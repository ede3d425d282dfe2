CREATE TABLE {{ .name }} (id int);
