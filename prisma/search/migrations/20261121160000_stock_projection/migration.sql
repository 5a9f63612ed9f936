-- CreateTable
CREATE TABLE "StockProjection" (
    "productId" UUID NOT NULL,
    "inStock" BOOLEAN NOT NULL,
    "version" INTEGER NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StockProjection_pkey" PRIMARY KEY ("productId")
);
