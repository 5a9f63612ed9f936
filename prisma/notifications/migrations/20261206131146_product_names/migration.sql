-- CreateTable
CREATE TABLE "ProductName" (
    "productId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ProductName_pkey" PRIMARY KEY ("productId")
);

