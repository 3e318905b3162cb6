{-# LANGUAGE OverloadedStrings #-}
-- | A small JSON value type and its rendering.
module Data.Tiny.Json
  ( Value (..)
  , render
  , (.=)
  ) where

import qualified Data.Map.Strict as Map
import Data.List (intercalate)

-- | A JSON value.
data Value
  = Null
  | Bool Bool
  | Number Double
  | String String
  | Array [Value]
  | Object (Map.Map String Value)
  deriving (Eq, Show)

newtype Pair = Pair { unPair :: (String, Value) }

-- | Values that can be turned into JSON.
class ToJson a where
  toJson :: a -> Value
  toJsonList :: [a] -> Value
  toJsonList = Array . map toJson

instance ToJson Bool where
  toJson = Bool

instance ToJson a => ToJson (Maybe a) where
  toJson Nothing = Null
  toJson (Just x) = toJson x

-- | Renders a value as compact JSON text.
render :: Value -> String
render Null = "null"
render (Bool b) = if b then "true" else "false"
render (Number n) = show n
render (String s) = show s
render (Array xs) = "[" ++ intercalate "," (map render xs) ++ "]"
render (Object m) = "{" ++ intercalate "," (map field (Map.toList m)) ++ "}"
  where
    field (k, v) = show k ++ ":" ++ render v

(.=) :: ToJson a => String -> a -> Pair
key .= value = Pair (key, toJson value)

escape' :: Char -> String
escape' c
  | c == '"' = "\\\""
  | otherwise = [c]

-- | The value at a key of an object.
(.:) :: Value -> String -> Maybe Value
(.:) (Object m) k = Map.lookup k m
(.:) _ _ = Nothing
