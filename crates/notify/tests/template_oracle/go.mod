module tocsin.invalid/templateoracle

go 1.19
