pub mod commit;
